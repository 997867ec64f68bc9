// en-US and zh-CN: the shell's messages plus every module's, one resource bundle per language.
import i18next, { type i18n as I18n } from "i18next";
import { initReactI18next } from "react-i18next";

import { modules } from "../modules";
import { setApiLanguage } from "./api";
import type { StudioModule } from "./modules";
import { shellMessages } from "./messages";

export const LANGUAGES = ["en-US", "zh-CN"] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_KEY = "cozeplus.language";

export function storedLanguage(): Language {
  let saved: string | null = null;
  try {
    saved = window.localStorage.getItem(LANGUAGE_KEY);
  } catch {
    saved = null; // storage disabled: fall back to the browser's language
  }
  if (saved === "en-US" || saved === "zh-CN") return saved;
  return navigator.language?.toLowerCase().startsWith("zh") ? "zh-CN" : "en-US";
}

export function resourcesOf(mods: readonly StudioModule[]) {
  const merged: Record<Language, Record<string, string>> = {
    "en-US": { ...shellMessages["en-US"] },
    "zh-CN": { ...shellMessages["zh-CN"] },
  };
  for (const m of mods) {
    for (const lang of LANGUAGES) {
      for (const [key, text] of Object.entries(m.messages[lang])) {
        if (key in merged[lang]) throw new Error(`i18n key ${key} of module ${m.id} is already defined`);
        merged[lang][key] = text;
      }
    }
  }
  return {
    "en-US": { translation: merged["en-US"] },
    "zh-CN": { translation: merged["zh-CN"] },
  };
}

export function createI18n(lng: Language = storedLanguage(), mods: readonly StudioModule[] = modules): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: resourcesOf(mods),
    lng,
    fallbackLng: "en-US",
    supportedLngs: [...LANGUAGES],
    interpolation: { escapeValue: false }, // React escapes
    initAsync: false,
    returnNull: false,
  });
  setApiLanguage(lng);
  if (typeof document !== "undefined") document.documentElement.lang = lng;
  instance.on("languageChanged", (next) => {
    setApiLanguage(next);
    document.documentElement.lang = next;
    try {
      window.localStorage.setItem(LANGUAGE_KEY, next);
    } catch {
      // storage disabled: the choice lasts for this page only
    }
  });
  return instance;
}
