"""Attacks on the running system, over real HTTP against gunicorn and the development server.

Redirects through `next`, download names, security headers, sessions after logout, the
login limit under parallel guessing, and models that ask for content from outside. The
servers trust one proxy (KLAGEFLOW_TRUSTED_PROXIES=1), so each test plays several client
addresses through X-Forwarded-For.
"""

from __future__ import annotations

import http.server
import os
import re
import socket
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
import requests
from werkzeug.http import parse_options_header

from engine import TaskFilter
from engine.config import PROJECT_ROOT, load_settings
from engine.db import Database
from tests.web.test_complaints_api import GAMMELDAM
from web import migrate
from web.accounts import Accounts
from web.bootstrap import build_engine
from web.complaints.service import ComplaintService
from web.login_limits import MAX_FAILED_PER_ACCOUNT, MAX_FAILED_PER_ADDRESS

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(database_url: str) -> dict:
    """Organisations, users, a filed complaint and the authority's task on a new database."""
    db = Database(database_url)
    migrate.upgrade(db)
    engine = build_engine(load_settings(), db=db)
    engine.deploy_paths(sorted((PROJECT_ROOT / "bpmn/complaint").glob("*.*")))
    accounts = Accounts(db)
    accounts.upsert_organisation(
        "soenderborg", kind="authority", name="Sønderborg Kommune",
        notification_email="plan@soenderborg.example",
    )  # fmt: skip
    accounts.upsert_organisation(
        "pkn", kind="board", name="Planklagenævnet", notification_email="pkn@example.dk",
        board_code="PKN",
    )  # fmt: skip
    accounts.create_user("sonja", "authority_caseworker", password=PASSWORD,
                         organisation_id="soenderborg")  # fmt: skip
    for username, role in (("klara", "complainant"), ("viggo", "complainant"),
                           ("olga", "complainant"), ("dorte", "designer")):  # fmt: skip
        accounts.create_user(username, role, password=PASSWORD, email=f"{username}@example.dk")
    complaints = ComplaintService(engine, accounts)
    decision = complaints.register_decision(
        accounts.by_username("sonja"), {**GAMMELDAM, "published_at": date(2025, 7, 11)}
    )
    draft = complaints.create_draft(
        accounts.by_username("klara"),
        {"decision": decision["id"], "legal_basis": "planloven-35",
         "complainant_type": "private", "text": "Huset skæmmer landskabet."},
    )  # fmt: skip
    complaints.submit(accounts.by_username("klara"), draft["reference"])
    task = engine.tasks(TaskFilter(groups=("authority:soenderborg",)))[0]
    seeded = {
        "reference": draft["reference"],
        "task_id": task.id,
        "designer_token": accounts.create_token("dorte"),
    }
    db.dispose()
    return seeded


class Server:
    """A running Klageflow web server on a seeded database."""

    def __init__(self, kind: str, database_url: str, data_dir: Path, workers: int = 3):
        self.database_url = database_url
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "KLAGEFLOW_DATABASE_URL": database_url,
            "KLAGEFLOW_DATA_DIR": str(data_dir),
            "KLAGEFLOW_INSECURE_COOKIES": "1",
            "KLAGEFLOW_TRUSTED_PROXIES": "1",
            "KLAGEFLOW_SECRET_KEY": "security-test-key-" + "s" * 40,
        }
        if kind != "gunicorn":
            env["KLAGEFLOW_TEST_CLOCK"] = "1"  # the settable clock exists only on localhost
        if kind == "gunicorn":
            command = [str(Path(sys.executable).parent / "gunicorn"), "web.wsgi:app",
                       "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                       "--log-level", "warning"]  # fmt: skip
        else:
            command = [sys.executable, "-m", "web.cli", "serve", "--port", str(port)]
        self.log = data_dir / f"{kind}.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log
            )
        # Each worker loads the app (and WeasyPrint) on its own: minutes on a busy machine.
        deadline = time.monotonic() + 240
        while True:
            try:
                requests.get(self.base + "/login", timeout=30)
                break
            except requests.RequestException:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise AssertionError(self.log.read_text()[-3000:]) from None
                time.sleep(0.2)

    def url(self, path: str) -> str:
        return self.base + path

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)

    def accounts(self) -> Accounts:
        return Accounts(Database(self.database_url))


@pytest.fixture(scope="module", params=["gunicorn", "dev-server"])
def server(request, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp(request.param)
    url = f"sqlite:///{data_dir / 'klageflow.sqlite'}"
    seeded = seed(url)
    running = Server(request.param, url, data_dir)
    running.seeded = seeded
    yield running
    running.stop()


def ui_session(server: Server, username: str | None = None, address: str = "192.0.2.1"):
    """A browser-like client (cookies kept), logged in through the login form if named."""
    client = requests.Session()
    client.headers["X-Forwarded-For"] = address
    if username:
        response = ui_login(client, server, username)
        assert response.status_code == 302, response.text
    return client


def csrf_of(client: requests.Session, server: Server, path: str) -> str:
    page = client.get(server.url(path), allow_redirects=False, timeout=30).text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def ui_login(client, server, username, password=PASSWORD, next_path: str | None = None):
    token = csrf_of(client, server, "/login")
    query = "" if next_path is None else "?next=" + quote(next_path, safe="")
    return client.post(
        server.url("/login" + query),
        data={"csrf_token": token, "username": username, "password": password},
        allow_redirects=False, timeout=30,
    )  # fmt: skip


# -- 2: redirects ------------------------------------------------------------------------------

OFF_SITE = [
    "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example",
    "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
    "/\\/evil.example", "\\/evil.example", "/%2F/evil.example", "/%5Cevil.example",
    "%2F%2Fevil.example", "/%252F%252Fevil.example", "https://evil.example/",
    "http:evil.example", "HTTPS://evil.example", "javascript:alert(1)",
    " //evil.example", "/%09/evil.example", "//evil.example@127.0.0.1",
]  # fmt: skip


def lands_on_site(location: str, server: Server) -> bool:
    """Where a browser goes with this Location: the same clean-up browsers apply first."""
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/").strip()
    target = urlsplit(urljoin(server.base + "/", cleaned))
    return target.scheme == "http" and target.netloc == urlsplit(server.base).netloc


def test_no_next_parameter_leads_off_the_site(server):
    visitor = ui_session(server)
    for target in OFF_SITE:
        response = visitor.get(
            server.url("/sprog/en?next=" + quote(target, safe="")), allow_redirects=False
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/", (target, response.headers["Location"])
    kept = visitor.get(server.url("/sprog/da?next=/sager%3Fside%3D2"), allow_redirects=False)
    assert kept.headers["Location"] == "/sager?side=2"

    for target in [*OFF_SITE[:8], "https://evil.example/"]:
        response = ui_login(requests.Session(), server, "klara", next_path=target)
        assert response.status_code == 302
        assert lands_on_site(response.headers["Location"], server), (target, response.headers)
        assert response.headers["Location"] == "/"

    caseworker = ui_session(server, "sonja")
    claim = f"/opgaver/{server.seeded['task_id']}/tag"
    for target in OFF_SITE:
        response = caseworker.post(
            server.url(claim),
            data={"csrf_token": csrf_of(caseworker, server, "/opgaver"), "next": target},
            allow_redirects=False,
        )
        assert response.status_code == 302
        assert lands_on_site(response.headers["Location"], server), (target, response.headers)

    complainant = ui_session(server, "klara")
    reference = server.seeded["reference"]
    for target in ("https://evil.example/", "/\t/evil.example", "/\\evil.example"):
        response = complainant.post(
            server.url(f"/sager/{reference}/dokumenter"),
            data={"csrf_token": csrf_of(complainant, server, f"/sager/{reference}"),
                  "kind": "comment", "text": "Bemærkning", "next": target},
            allow_redirects=False,
        )  # fmt: skip
        assert response.headers["Location"] == f"/sager/{reference}", target


# -- 5: download names -------------------------------------------------------------------------


def upload(client, server, reference: str, raw_filename: bytes, content: bytes):
    """Post the upload form as raw multipart, the file name exactly as an attacker writes it."""
    boundary = "kf-boundary-7d2"
    token = csrf_of(client, server, f"/sager/{reference}")
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nattachment\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="'
        ).encode()
        + raw_filename
        + (b'"\r\nContent-Type: text/plain\r\n\r\n' + content + f"\r\n--{boundary}--\r\n".encode())
    )
    return client.post(
        server.url(f"/sager/{reference}/dokumenter"), data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        allow_redirects=False, timeout=30,
    )  # fmt: skip


def test_files_with_any_name_download_with_a_header_nothing_can_be_injected_into(server):
    complainant = ui_session(server, "klara", address="192.0.2.5")
    reference = server.seeded["reference"]
    names = {
        "odwołanie.txt".encode(): "odwołanie.txt",
        "klage 😀.txt".encode(): "klage 😀.txt",
        b"ond\\\"; filename*=UTF-8''evil.html; x=\\\".txt": "ond__ filename_=UTF-8''evil.html_ x=_.txt",
        "højre\u202etxt.exe.txt".encode(): "højre_txt.exe.txt",
    }  # fmt: skip
    for raw in names:
        assert upload(complainant, server, reference, raw, b"Indhold.").status_code == 302
    page = complainant.get(server.url(f"/sager/{reference}"), timeout=30).text
    links = re.findall(rf'href="(/sager/{reference}/dokumenter/\d+)"', page)
    assert len(links) >= len(names)
    seen = set()
    for link in links[-len(names) :]:
        response = complainant.get(server.url(link), timeout=15)
        assert response.status_code == 200 and response.content == b"Indhold."
        header = response.headers["Content-Disposition"]
        assert re.fullmatch(r"attachment; filename=\"[A-Za-z0-9._ ()+-]+\"; "
                            r"filename\*=UTF-8''[A-Za-z0-9%._~-]+", header), header  # fmt: skip
        disposition, options = parse_options_header(header)
        assert disposition == "attachment" and set(options) == {"filename"}, header
        seen.add(options["filename"])
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert seen == set(names.values())


# -- 7: security headers -----------------------------------------------------------------------


def test_every_response_carries_the_security_headers(server):
    visitor = requests.Session()
    for path, status in (("/login", 200), ("/api/v1/openapi.json", 200),
                         ("/api/v1/session", 401), ("/static/ui/ui.css", 200),
                         ("/findes-ikke", 404), ("/api/v1/docs", 200), ("/", 302)):  # fmt: skip
        response = visitor.get(server.url(path), allow_redirects=False, timeout=30)
        assert response.status_code == status, path
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy, path
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers, "not over plain http"
    docs = visitor.get(server.url("/api/v1/docs"), timeout=30).text
    assert "<script>" not in docs and "<script src=" in docs
    behind_tls = visitor.get(
        server.url("/login"), headers={"X-Forwarded-Proto": "https"}, timeout=30
    )
    assert behind_tls.headers["Strict-Transport-Security"] == "max-age=31536000"


# -- 6: sessions that end ----------------------------------------------------------------------


def api_login(server, username, password=PASSWORD, address="192.0.2.9") -> requests.Response:
    return requests.post(
        server.url("/api/v1/session"), json={"username": username, "password": password},
        headers={"X-Forwarded-For": address}, timeout=30,
    )  # fmt: skip


def as_cookie(server, cookie: str, path="/api/v1/session") -> requests.Response:
    """A request that replays a stolen or kept session cookie."""
    return requests.get(
        server.url(path), headers={"Cookie": f"session={cookie}"}, allow_redirects=False,
        timeout=30,
    )  # fmt: skip


def test_logout_a_new_password_and_deactivation_end_every_session(server):
    laptop = api_login(server, "viggo").cookies["session"]
    phone = api_login(server, "viggo").cookies["session"]
    assert as_cookie(server, laptop).status_code == 200
    assert as_cookie(server, phone).status_code == 200
    logout = requests.delete(
        server.url("/api/v1/session"), headers={"Cookie": f"session={laptop}"}, timeout=30
    )
    assert logout.status_code == 204
    assert as_cookie(server, laptop).status_code == 401
    assert as_cookie(server, phone).status_code == 401, "logout ends every session of the user"
    page = as_cookie(server, laptop, "/sager")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")

    accounts = server.accounts()
    kept = api_login(server, "viggo").cookies["session"]
    accounts.set_password("viggo", "a brand new passphrase")
    assert as_cookie(server, kept).status_code == 401
    assert api_login(server, "viggo").status_code == 401
    kept = api_login(server, "viggo", "a brand new passphrase").cookies["session"]
    assert as_cookie(server, kept).status_code == 200
    accounts.set_active("viggo", False)
    assert as_cookie(server, kept).status_code == 401
    accounts.set_active("viggo", True)
    assert as_cookie(server, kept).status_code == 401, "reactivation does not revive a session"
    accounts.db.dispose()


# -- 3: login limits ---------------------------------------------------------------------------


def test_an_address_that_guesses_is_locked_and_everyone_elsewhere_logs_in(server):
    guesser = "203.0.113.20"
    for number in range(MAX_FAILED_PER_ADDRESS):
        assert api_login(server, f"guess{number}", "wrong", guesser).status_code == 401
    refused = api_login(server, "olga", PASSWORD, guesser)
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    page = ui_login(ui_session(server, address=guesser), server, "olga")
    assert page.status_code == 429
    assert "For mange mislykkede forsøg på at logge ind herfra" in page.text
    assert api_login(server, "olga", PASSWORD, "198.51.100.20").status_code == 200


@pytest.fixture
def gunicorn_server(database_url, tmp_path):
    seed(database_url)
    running = Server("gunicorn", database_url, tmp_path, workers=4)
    yield running
    running.stop()


def set_clock(server: Server, instant: datetime) -> None:
    response = requests.put(server.url("/api/v1/test/clock"), json={"now": instant.isoformat()})
    assert response.status_code == 200


@pytest.mark.both_databases
def test_parallel_wrong_passwords_are_checked_only_up_to_the_limit(gunicorn_server):
    server, attacker, racers = gunicorn_server, "203.0.113.7", 15
    barrier = threading.Barrier(racers)
    statuses: list[int] = []

    def guess(number: int) -> None:
        client = requests.Session()
        client.get(server.url("/api/v1/openapi.json"), timeout=60)  # open the connection
        barrier.wait()
        response = client.post(
            server.url("/api/v1/session"),
            json={"username": "olga", "password": f"guess {number}"},
            headers={"X-Forwarded-For": attacker}, timeout=60,
        )  # fmt: skip
        statuses.append(response.status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [401] * MAX_FAILED_PER_ACCOUNT + [429] * (
        racers - MAX_FAILED_PER_ACCOUNT
    ), "only as many guesses as the limit were checked"

    assert api_login(server, "olga", PASSWORD, "198.51.100.7").status_code == 200, (
        "the owner elsewhere is not locked out"
    )
    locked = api_login(server, "olga", PASSWORD, attacker)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) <= 60


@pytest.fixture
def dev_server(database_url, tmp_path):
    seed(database_url)
    running = Server("dev-server", database_url, tmp_path)
    yield running
    running.stop()


def test_a_second_run_of_failures_after_a_lock_locks_for_twice_as_long(dev_server):
    server, attacker = dev_server, "203.0.113.8"
    for _ in range(MAX_FAILED_PER_ACCOUNT):
        assert api_login(server, "olga", "wrong", attacker).status_code == 401
    locked = api_login(server, "olga", PASSWORD, attacker)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) <= 60

    # Once the first lock has passed, the next run of failures locks for twice as long.
    now = datetime.fromisoformat(requests.get(server.url("/api/v1/test/clock")).json()["now"])
    set_clock(server, now + timedelta(seconds=61))
    for _ in range(MAX_FAILED_PER_ACCOUNT):
        assert api_login(server, "olga", "still wrong", attacker).status_code == 401
    longer = api_login(server, "olga", PASSWORD, attacker)
    assert longer.status_code == 429 and 60 < int(longer.headers["Retry-After"]) <= 120


# -- 9: models that reach outside --------------------------------------------------------------

MODEL = """<?xml version="1.0" encoding="UTF-8"?>
{stylesheet}<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:xi="http://www.w3.org/2001/XInclude"
    id="defs_outside" targetNamespace="http://klageflow.test"{schema}>
  <bpmn:process id="outside" isExecutable="true">
    <bpmn:extensionElements>{include}</bpmn:extensionElements>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end" />
    <bpmn:endEvent id="end"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def watched_host():
    """A local web server that counts every request made to it."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<x/>")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()


def test_a_model_that_asks_for_outside_content_is_refused_and_nothing_is_fetched(
    server, watched_host
):
    host, hits = watched_host
    bearer = {"Authorization": f"Bearer {server.seeded['designer_token']}"}
    variants = {
        "xinclude": ({"include": f'<xi:include href="{host}/part.xml" />'}, 7, "outside", "XInclude"),
        "schema": ({"schema": f'\n    xsi:schemaLocation="http://www.omg.org/spec/BPMN/20100524/MODEL {host}/BPMN20.xsd"'},
                   6, "defs_outside", "xsi:schemaLocation"),
        "stylesheet": ({"stylesheet": f'<?xml-stylesheet type="text/xsl" href="{host}/x.xsl"?>\n'},
                       2, "defs_outside", "xml-stylesheet"),
    }  # fmt: skip
    for name, (parts, line, element, words) in variants.items():
        text = MODEL.format(**{"stylesheet": "", "schema": "", "include": "", **parts})
        response = requests.post(
            server.url("/api/v1/definitions"), headers=bearer,
            files=[("files", (f"{name}.bpmn", text.encode()))], timeout=60,
        )  # fmt: skip
        assert response.status_code == 422, (name, response.text)
        [problem] = response.json()["errors"]
        assert problem["file"] == f"{name}.bpmn" and words in problem["reason"], problem
        assert problem["line"] == line and problem["element_id"] == element, problem
    assert hits == [], "nothing was fetched"
    plain = MODEL.format(stylesheet="", schema="", include="")
    deployed = requests.post(
        server.url("/api/v1/definitions"), headers=bearer,
        files=[("files", ("plain.bpmn", plain.encode()))], timeout=60,
    )  # fmt: skip
    assert deployed.status_code == 201, deployed.text
