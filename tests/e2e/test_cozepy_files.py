"""cozepy 0.20.0, unmodified, uploading and retrieving files against a running `cozeplus serve`:
once on the embedded defaults, once on MariaDB and the S3 server (when their addresses are set)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cozepy import Coze, CozeAPIError, TokenAuth

from tests.support import files
from tests.support.databases import empty_database
from tests.support.processes import COZEPLUS, cozeplus_env, free_port, start, wait_http
from tests.support.servers import server_url
from tests.support.storage import S3_ENDPOINT_ENV, drop_bucket, s3_config

LIMIT = 2 * 1024 * 1024


def _server_settings(kind: str, tmp: Path) -> Iterator[dict[str, str]]:
    if kind == "embedded":
        yield {}
        return
    endpoint = server_url(S3_ENDPOINT_ENV)
    bucket = f"cz-e2e-{uuid.uuid4().hex[:12]}"
    key, secret = os.environ["COZEPLUS_TEST_S3_ACCESS_KEY"], os.environ["COZEPLUS_TEST_S3_SECRET_KEY"]
    with empty_database("mysql", tmp) as url:
        try:
            yield {
                "COZEPLUS_DATABASE_URL": url,
                "COZEPLUS_STORAGE_URL": f"s3://{endpoint}/{bucket}?secure=false",
                "COZEPLUS_STORAGE_ACCESS_KEY": key,
                "COZEPLUS_STORAGE_SECRET_KEY": secret,
            }
        finally:
            drop_bucket(s3_config(bucket))


@pytest.fixture(scope="module", params=["embedded", pytest.param("servers", marks=pytest.mark.mysql)])
def coze(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Coze]:
    tmp = tmp_path_factory.mktemp(f"cozepy-files-{request.param}")
    settings = _server_settings(request.param, tmp)
    extra = next(settings)
    port = free_port()
    env = cozeplus_env(
        COZEPLUS_DATA_DIR=str(tmp / "data"),
        COZEPLUS_PORT=str(port),
        COZEPLUS_UPLOAD_MAX_BYTES=str(LIMIT),
        **extra,
    )
    proc = None
    try:
        subprocess.run([*COZEPLUS, "migrate"], env=env, check=True, capture_output=True)
        admin = [*COZEPLUS, "admin"]
        email = "files@example.com"
        subprocess.run(
            [*admin, "create-user", "--email", email, "--password", "files password 1"],
            env=env,
            check=True,
            capture_output=True,
        )
        token = subprocess.run(
            [
                *admin,
                "create-token",
                "--email",
                email,
                "--name",
                "files",
                "--days",
                "1",
                "--scope",
                "file:upload",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        proc = start(["serve"], tmp, env, tmp / "serve.log")
        wait_http(f"http://127.0.0.1:{port}/healthz")
        yield Coze(auth=TokenAuth(token), base_url=f"http://127.0.0.1:{port}")
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
        settings.close()


def test_upload_a_path_and_retrieve_it(coze: Coze, tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(files.pdf())
    uploaded = coze.files.upload(file=path)
    assert uploaded.id.isdigit()
    assert (uploaded.file_name, uploaded.bytes) == ("scan.pdf", len(files.pdf()))
    assert isinstance(uploaded.created_at, int) and uploaded.created_at > 1_700_000_000
    assert uploaded.response.logid

    again = coze.files.retrieve(file_id=uploaded.id)
    assert (again.id, again.file_name, again.bytes, again.created_at) == (
        uploaded.id,
        uploaded.file_name,
        uploaded.bytes,
        uploaded.created_at,
    )


def test_upload_a_path_given_as_text(coze: Coze, tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_bytes(files.text(5000))
    assert coze.files.upload(file=str(path)).file_name == "notes.md"


def test_upload_bytes_and_a_name_content_pair(coze: Coze) -> None:
    bare = coze.files.upload(file=files.png())
    assert (bare.file_name, bare.bytes) == ("upload", len(files.png()))  # httpx's name for bare bytes
    named = coze.files.upload(file=("photo.jpg", files.jpeg()))
    assert named.file_name == "photo.jpg"
    stream = coze.files.upload(file=("voice.wav", io.BytesIO(files.wav())))
    assert stream.bytes == len(files.wav())
    assert coze.files.retrieve(file_id=named.id).file_name == "photo.jpg"


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        (("empty.txt", b""), 4300),
        (("setup.exe", files.windows_exe()), 4303),
        (("blob", files.random_binary()), 4303),
        (("photo.png", files.text()), 4304),
    ],
)
def test_refusals_are_coze_errors(coze: Coze, file: tuple[str, bytes], expected: int) -> None:
    with pytest.raises(CozeAPIError) as refused:
        coze.files.upload(file=file)
    assert refused.value.code == expected
    assert refused.value.logid


def test_too_large_is_refused_while_the_client_still_sends(coze: Coze) -> None:
    # The server answers before reading the rest of a 12 MB body; cozepy still gets the envelope.
    with pytest.raises(CozeAPIError) as refused:
        coze.files.upload(file=("big.txt", b"a" * (6 * LIMIT)))
    assert refused.value.code == 4302


def test_unknown_file_is_4200(coze: Coze) -> None:
    with pytest.raises(CozeAPIError) as missing:
        coze.files.retrieve(file_id="12345")
    assert missing.value.code == 4200
