"""The cluster on loopback (cluster/local.py): nginx, three DeckChat instances, PostgreSQL, Redis and
llama_cpp.server on the embedded model, all real. Readers ask through nginx, one instance is killed in
the middle of answers, and the log, the shared rate limit and a build published once are checked.

Skips, saying what to install, where nginx, PostgreSQL, Redis or llama_cpp.server cannot run.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from dataclasses import dataclass, field

import pytest
import requests
from sqlalchemy import create_engine, text

from app.config import REPO_ROOT
from app.rag.result import INTERRUPTED
from cluster.local import LocalCluster
from cluster.model_server import ModelServerUnavailable
from cluster.nginx import NginxUnavailable
from cluster.postgres import PostgresUnavailable
from cluster.redis import RedisUnavailable


# Questions the model writes the answer to (DECKCHAT_WRITE_ANSWERS=1): with one model server for every
# instance, the later readers' answers are still being written when an instance is killed.
QUESTIONS = ["What does the MantaBot M2 do?", "What problem do they solve?", "How does the robot clean the hull?",
             "Who are the customers?", "Why is hull cleaning needed?", "How does the company make money?",
             "What is the MantaBot?", "What is the team's background?"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    root = tmp_path_factory.mktemp("cluster")
    content = root / "content"
    shutil.copytree(REPO_ROOT / "content" / "example", content / "example")
    settings = {"DECKCHAT_WRITE_ANSWERS": "1", "DECKCHAT_RATE_LIMIT_ADDRESS": "1000/minute",
                "DECKCHAT_RATE_LIMIT_SESSION": "3/minute", "DECKCHAT_QUEUE_WAITING": "8"}
    try:
        with LocalCluster(root, instances=3, content_dir=content, settings=settings) as running:
            yield running
    except (PostgresUnavailable, RedisUnavailable, NginxUnavailable, ModelServerUnavailable) as exc:
        pytest.skip(f"cluster test skipped: {exc}")


@dataclass
class Reader:
    question: str
    session_id: str
    upstream: str = ""
    events: list[tuple[str, dict]] = field(default_factory=list)
    broken: bool = False

    def event(self, name: str) -> dict | None:
        return next((data for event, data in self.events if event == name), None)

    def ask(self, base: str) -> None:
        try:
            with requests.post(f"{base}/api/chat/stream", json={"deck": "example", "question": self.question,
                                                                 "session_id": self.session_id},
                               stream=True, timeout=180) as response:
                self.upstream = response.headers.get("X-DeckChat-Upstream", "")
                event = ""
                for line in response.iter_lines(decode_unicode=True):
                    if line.startswith("event: "):
                        event = line.removeprefix("event: ")
                    elif line.startswith("data: "):
                        self.events.append((event, json.loads(line.removeprefix("data: "))))
        except requests.RequestException:
            self.broken = True  # the instance died under this reader


def turns_of(cluster: LocalCluster, session_ids: list[str]) -> dict[str, list[dict]]:
    engine = create_engine(cluster.database_url)
    try:
        with engine.connect() as db:
            rows = db.execute(text("SELECT id, session_id, answer, error FROM turn WHERE session_id = ANY(:ids)"),
                              {"ids": session_ids}).mappings().all()
    finally:
        engine.dispose()
    found: dict[str, list[dict]] = {s: [] for s in session_ids}
    for row in rows:
        found[row["session_id"]].append(dict(row))
    return found


def ask(base: str, question: str, session_id: str) -> requests.Response:
    return requests.post(f"{base}/api/chat", json={"deck": "example", "question": question, "session_id": session_id},
                         timeout=180)


def test_a_reader_switching_instances_shares_one_quota(cluster):
    first, second, third = cluster.instances
    # A figure is answered from the documents without the model: the four questions take milliseconds,
    # so the minute cannot run out between them on a busy machine (a written answer took it there once).
    codes = [ask(instance.base_url, "How much are they raising?", "quota-reader").status_code
             for instance in (first, second, third, first)]
    assert codes == [200, 200, 200, 429]  # 3 a minute for the conversation, counted in the one Redis
    assert ask(second.base_url, "How much are they raising?", "another-reader").status_code == 200


def test_killing_an_instance_mid_answer_loses_no_other_answer_and_logs_each_turn_once(cluster):
    victim = cluster.instances[0]
    for attempt in range(3):  # the victim's readers must still be waiting for their answer when it dies
        readers = [Reader(q, f"kill-{attempt}-{n}") for n, q in enumerate(QUESTIONS)]
        threads = [threading.Thread(target=r.ask, args=(cluster.base_url,)) for r in readers]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while not all(r.event("sources") or r.broken for r in readers) and time.monotonic() < deadline:
            time.sleep(0.01)  # every turn begun (logged as interrupted until finished) before the kill
        on_victim = [r for r in readers if r.upstream == victim.address]
        if on_victim and any(r.event("done") is None for r in on_victim):
            victim.kill()
            break
        for thread in threads:
            thread.join()
    else:
        pytest.fail("the victim's answers were always finished before it could be killed")
    for thread in threads:
        thread.join(180)

    survivors = [r for r in readers if r.upstream != victim.address]
    assert survivors and on_victim
    for reader in survivors:  # every other reader got a whole answer
        assert not reader.broken and reader.event("done") is not None, (reader.question, reader.events)
    cut_off = [r for r in on_victim if r.event("done") is None]
    assert cut_off

    log = turns_of(cluster, [r.session_id for r in readers])
    assert all(len(rows) == 1 for rows in log.values()), log  # every turn in PostgreSQL, exactly once
    for reader in survivors:
        row, done = log[reader.session_id][0], reader.event("done")
        assert row["id"] == done["message_id"] and row["error"] is None and row["answer"] == done["answer"]
    for reader in cut_off:
        assert log[reader.session_id][0]["error"] == INTERRUPTED

    # The cluster goes on without it: nginx leaves the dead instance out.
    after = [ask(cluster.base_url, "Who is the CTO?", f"after-kill-{n}") for n in range(3)]
    assert [r.status_code for r in after] == [200, 200, 200]
    assert all(r.headers["X-DeckChat-Upstream"].split(", ")[-1] != victim.address for r in after)


def test_a_build_published_once_is_served_by_every_instance(cluster):
    question = "Where did Tidewater open its second office?"
    living = [i for i in cluster.instances if i.process.poll() is None]
    assert len(living) >= 2
    before = [ask(i.base_url, question, f"before-build-{n}").json()["answer"] for n, i in enumerate(living)]
    assert not any("Rotterdam" in answer for answer in before)
    (cluster.content_dir / "example" / "offices.md").write_text(
        "# Offices\n\nTidewater Robotics opened its second office in Rotterdam in March 2026, next to the port.\n")
    cluster.ingest("--deck", "example")  # one node builds; the others are not told
    after = [ask(i.base_url, question, f"after-build-{n}").json() for n, i in enumerate(living)]
    for answer in after:
        assert "Rotterdam" in answer["answer"], answer
        assert any(s["doc"] == "offices.md" for s in answer["sources"] if s["used"])
