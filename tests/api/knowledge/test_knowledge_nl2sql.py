"""NL2SQL on the real app (SQLite and MariaDB): a table knowledge base bound to an agent with
use_nl2sql; the platform's default chat model (a scripted OpenAI-compatible server) writes the SQL,
the query runs against that knowledge base's table alone, and the result reaches the stream's
knowledge_recall note (read by cozepy 0.20.0, unmodified) and the prompt. A query other than one
read-only SELECT on the table is refused, shown to the writer once, and never touches the data."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from typing import Any

import pytest

from bootstrap.settings import Settings
from tests.api.knowledge.test_agent_knowledge import ask, bind, recalls, spa
from tests.support.chat_world import ChatUser, Client, chat_user
from tests.support.fake_llm import Reply, ScriptedServer, serving
from tests.support.fake_openai import FakeOpenAI
from tests.support.identity import create_user, sign_in
from tests.support.knowledge_world import DONE

CITIES = "city,country,population\nParis,France,2100000\nLyon,France,520000\nBerlin,Germany,3600000\n"
FRENCH = 'SELECT SUM("population") AS people FROM sheet WHERE "country" = \'France\''


@pytest.fixture(scope="module")
def writer() -> Iterator[ScriptedServer]:
    with serving(FakeOpenAI(), "/v1") as server:
        yield server


@pytest.fixture
async def me(anon_client: Client, settings: Settings, writer: ScriptedServer) -> ChatUser:
    """A chat user whose platform's default chat model is the scripted SQL writer; the agent itself
    answers with builtin-echo."""
    writer.clear()
    admin = await create_user(settings, superuser=True)
    await sign_in(anon_client, admin["email"])
    made = await anon_client.post(
        "/api/admin/config/model/create",
        json={
            "model_name": "SQL writer",
            "provider": "openai",
            "connection": {
                "base_conn_info": {"base_url": writer.url, "api_key": "sk-test", "model": "fake-model"},
                "max_retries": 0,
            },
        },
    )
    assert made.status_code == 200, made.text
    default = await anon_client.post(
        "/api/admin/config/model/update", json={"id": made.json()["data"]["id"], "is_default": True}
    )
    assert default.status_code == 200, default.text
    return await chat_user(anon_client, settings)


async def table_base(client: Client, space_id: str, csv: str = CITIES) -> tuple[str, str]:
    made = await spa(
        client, "/api/knowledge/create", {"space_id": space_id, "name": "Cities", "format_type": 1}
    )
    dataset_id = str(made["dataset_id"])
    source = {"file_base64": base64.b64encode(csv.encode()).decode(), "file_type": "csv"}
    docs = await spa(
        client,
        "/api/knowledge/document/create",
        {"dataset_id": dataset_id, "document_bases": [{"name": "cities.csv", "source_info": source}]},
    )
    document_id = str(docs["document_infos"][0]["document_id"])
    for _ in range(1200):  # bounded, not timed
        rows = (await spa(client, "/api/knowledge/document/progress/get", {"document_ids": [document_id]}))[
            "data"
        ]
        if rows[0]["status"] in DONE:
            assert rows[0]["status"] == 1, rows
            return dataset_id, document_id
        await asyncio.sleep(0.05)
    raise AssertionError("the table was not indexed")


def sql_chunks(chunks: list[dict[str, Any]]) -> list[str]:
    return [c["slice"] for c in chunks if c["slice"].startswith("SQL: ")]


def sent_to_writer(writer: ScriptedServer) -> list[list[dict[str, Any]]]:
    return [r.body["messages"] for r in writer.requests if r.path.endswith("/chat/completions")]


async def test_a_table_question_is_answered_with_the_query_result(
    me: ChatUser, writer: ScriptedServer
) -> None:
    dataset_id, _ = await table_base(me.client, me.space)
    await bind(me, dataset_ids=[dataset_id], search_strategy=20, recall_strategy={"use_nl2sql": True})
    writer.enqueue(Reply(f"```sql\n{FRENCH}\n```"))
    events = await ask(me, "How many people live in the French cities?")
    (chunks,) = recalls(events)
    (result,) = sql_chunks(chunks)
    assert result.splitlines() == [f"SQL: {FRENCH}", "Result: 1 row", "people", "2620000"]
    assert chunks[0]["meta"]["dataset"] == {"id": dataset_id, "name": "Cities"}
    # The writer saw the table's schema with typed columns and the question, nothing of other tables.
    (messages,) = sent_to_writer(writer)
    prompt = messages[-1]["content"]
    assert '"population" INTEGER' in prompt and "CREATE TABLE sheet" in prompt
    assert prompt.endswith("How many people live in the French cities?")


async def test_a_refused_query_is_shown_to_the_writer_once_then_the_row_search_answers_alone(
    me: ChatUser, writer: ScriptedServer
) -> None:
    dataset_id, _ = await table_base(me.client, me.space)
    await bind(me, dataset_ids=[dataset_id], search_strategy=20, recall_strategy={"use_nl2sql": True})
    writer.enqueue(Reply("SELECT name FROM sqlite_master"), Reply("SELECT COUNT(*) AS n FROM sheet"))
    (chunks,) = recalls(await ask(me, "How many cities are there?"))
    assert sql_chunks(chunks) == ["SQL: SELECT COUNT(*) AS n FROM sheet\nResult: 1 row\nn\n3"]
    repair = sent_to_writer(writer)[1][-1]["content"]
    assert "not accepted" in repair and "sqlite_master" in repair

    writer.clear()
    writer.enqueue(Reply("DELETE FROM sheet"), Reply("WITH x AS (SELECT 1) DELETE FROM sheet"))
    (chunks,) = recalls(await ask(me, "Paris France"))
    assert sql_chunks(chunks) == []  # two refusals: no result, and the rows are still found by search
    assert any("city: Paris" in c["slice"] for c in chunks)
    assert len(sent_to_writer(writer)) == 2

    writer.enqueue(Reply("SELECT COUNT(*) AS n FROM sheet"))
    (chunks,) = recalls(await ask(me, "How many cities now?"))
    assert sql_chunks(chunks)[0].endswith("n\n3")  # nothing was deleted


async def test_an_edited_row_slice_is_what_the_query_reads(me: ChatUser, writer: ScriptedServer) -> None:
    dataset_id, document_id = await table_base(me.client, me.space)
    listed = await spa(me.client, "/api/knowledge/slice/list", {"document_id": document_id, "page_size": 10})
    lyon = next(s for s in listed["slices"] if "Lyon" in s["content"])
    edited = "city: Lyon\ncountry: France\npopulation: 999"
    await spa(me.client, "/api/knowledge/slice/update", {"slice_id": lyon["slice_id"], "raw_text": edited})
    await bind(me, dataset_ids=[dataset_id], search_strategy=20, recall_strategy={"use_nl2sql": True})
    writer.enqueue(Reply(FRENCH))
    (chunks,) = recalls(await ask(me, "How many people live in the French cities?"))
    assert sql_chunks(chunks)[0].endswith("people\n2100999")


async def test_without_use_nl2sql_the_writer_is_never_asked(me: ChatUser, writer: ScriptedServer) -> None:
    dataset_id, _ = await table_base(me.client, me.space)
    await bind(me, dataset_ids=[dataset_id], search_strategy=20)
    (chunks,) = recalls(await ask(me, "Berlin Germany"))
    assert sql_chunks(chunks) == [] and any("Berlin" in c["slice"] for c in chunks)
    assert sent_to_writer(writer) == []
