// The signed-in account the component tests' fake backends answer with (account info v2's shape).
export const ACCOUNT = {
  user_id_str: "42",
  name: "Ada",
  user_unique_name: "ada",
  email: "ada@example.com",
  description: "",
  avatar_url: "",
  screen_name: "Ada",
  locale: "en-US",
  user_create_time: 0,
};
