"""Production as an attacker meets it: gunicorn on `web.wsgi`, spoken to over real HTTP.

One gunicorn (two workers) per module on a SQLite file, configured as docker-compose is:
a strong secret key, one payment provider's callback secret, no demo mode and no test
clock. Cases are brought to "awaiting the fee" in this process through the services
(the same database), then everything that matters is asked over HTTP.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from engine import TaskFilter
from engine.config import PROJECT_ROOT, load_settings
from engine.db import Database
from tests.processes import KLAGEFLOW, NO_SMTP, free_port, start, stop
from web import migrate
from web.accounts import Accounts
from web.bootstrap import build_engine
from web.complaints.service import ComplaintService
from web.login_limits import MAX_FAILED_PER_ACCOUNT

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery"
SECRET_KEY = "production-test-key-" + "q" * 40
PROVIDER_SECRET = "whsec-" + "p" * 40
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
USERS = [
    # username, role, organisation
    ("klara", "complainant", None),
    ("karl", "complainant", None),
    ("hans", "permit_holder", None),
    ("sonja", "authority_caseworker", "soenderborg"),
    ("adam", "admin", None),
    ("betaling", "payment_provider", None),
    ("nets", "payment_provider", None),  # no callback secret configured
]


def production_env(url: str, data_dir: Path, **overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("KLAGEFLOW_DEMO", "KLAGEFLOW_TEST_CLOCK", "KLAGEFLOW_SECRET_KEY")
    }
    env.update(
        {
            "KLAGEFLOW_DATABASE_URL": url,
            "KLAGEFLOW_DATA_DIR": str(data_dir),
            **NO_SMTP,  # mail waits in the outbox
            "KLAGEFLOW_SECRET_KEY": SECRET_KEY,
            "KLAGEFLOW_PAYMENT_SECRETS": f"betaling={PROVIDER_SECRET}",
            "KLAGEFLOW_INSECURE_COOKIES": "1",  # plain http on loopback, as docker-compose
        }
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


class System:
    """The gunicorn server's base URL, the API tokens, and in-process services on its database."""

    def __init__(self, base: str, db: Database, tokens: dict[str, str]):
        self.base = base
        self.db = db
        self.tokens = tokens
        self.engine = build_engine(load_settings(), db=db)
        self.accounts = Accounts(db)
        self.complaints = ComplaintService(self.engine, self.accounts)

    def api(self, method: str, path: str, who: str | None = None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if who:
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        return requests.request(method, self.base + path, headers=headers, timeout=30, **kwargs)

    def login(self, username: str) -> tuple[requests.Session, str]:
        """A browser-like session logged in through the login form; (session, CSRF token)."""
        browser = requests.Session()
        page = browser.get(self.base + "/login", timeout=30).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        answer = browser.post(
            self.base + "/login",
            data={"username": username, "password": PASSWORD, "csrf_token": token},
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == 302, answer.text
        page = browser.get(self.base + "/", timeout=30).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return browser, token

    def case_awaiting_fee(self, *, co_complainant: bool = False) -> tuple[str, str]:
        """A filed complaint the authority forwarded, now waiting for the fee: (ref, instance)."""
        who = self.accounts.by_username
        decision = self.complaints.register_decision(
            who("sonja"),
            {
                "authority": "soenderborg",
                "title": "Landzonetilladelse til enfamiliehus, Gammeldam",
                "legal_bases": ["planloven-35"],
                "published_at": date.today(),
                "permit_holder": {"name": "Gammeldam ApS", "email": "hans@gammeldam.example",
                                  "username": "hans"},
            },
        )  # fmt: skip
        co = [{"name": "Karl Medklager", "email": "karl@medklager.example", "type": "private",
               "username": "karl"}] if co_complainant else []  # fmt: skip
        draft = self.complaints.create_draft(
            who("klara"),
            {"decision": decision["id"], "legal_basis": "planloven-35",
             "complainant_type": "private", "text": "Huset skæmmer landskabet ved Gammeldam.",
             "co_complainants": co, "complainant_email": "klara@klager.example"},
        )  # fmt: skip
        reference = draft["reference"]
        if co_complainant:
            self.complaints.confirm(who("karl"), reference)
        filed = self.complaints.submit(who("klara"), reference)
        [task] = self.engine.tasks(TaskFilter(instance_id=filed["instance_id"]))
        self.engine.complete_task(
            task.id,
            {"authority_action": "forward", "statement": "Kommunen fastholder afgørelsen."},
            actor="sonja",
        )
        assert self.status(reference) == "awaiting_fee"
        return reference, filed["instance_id"]

    def status(self, reference: str) -> str:
        return self.complaints.track_as_system(reference)["status"]


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("production")
    url = f"sqlite:///{tmp}/klageflow.sqlite"
    db = Database(url)
    migrate.upgrade(db)
    build_engine(load_settings(), db=db).deploy_paths(
        sorted((PROJECT_ROOT / "bpmn/complaint").glob("*.*"))
    )
    accounts = Accounts(db)
    accounts.upsert_organisation(
        "soenderborg", kind="authority", name="Sønderborg Kommune",
        notification_email="plan@soenderborg.example",
    )  # fmt: skip
    accounts.upsert_organisation(
        "pkn", kind="board", name="Planklagenævnet",
        notification_email="pkn@naevneneshus.example", board_code="PKN",
    )  # fmt: skip
    tokens = {}
    for username, role, org in USERS:
        accounts.create_user(
            username, role, password=PASSWORD, organisation_id=org,
            email=f"{username}@{username}.example",
        )  # fmt: skip
        tokens[username] = accounts.create_token(username)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp / "gunicorn.log"
    # Clients come from elsewhere, as in docker-compose: gunicorn itself believes
    # X-Forwarded-Proto only from --forwarded-allow-ips (loopback by default).
    gunicorn = start(
        [[GUNICORN, "web.wsgi:app", "--bind", f"127.0.0.1:{port}", "--workers", "2",
          "--log-level", "warning", "--forwarded-allow-ips", "192.0.2.1"]],
        production_env(url, tmp), [log], ready=base + "/api/v1/openapi.json",
    )  # fmt: skip
    yield System(base, db, tokens)
    stop(gunicorn, [log])
    db.dispose()


def sign(body: bytes, timestamp: int | None = None, secret: str = PROVIDER_SECRET) -> dict:
    """The headers a provider sends: HMAC-SHA256 of "<timestamp>.<raw body>"."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {
        "X-Klageflow-Timestamp": stamp,
        "X-Klageflow-Signature": f"sha256={digest}",
        "Content-Type": "application/json",
    }


def fee_paid_messages(system: System, instance_id: str) -> int:
    history = system.engine.show(instance_id).history
    return sum(
        1
        for event in history
        if event.kind == "message_received" and event.details.get("name") == "fee_paid"
    )


# -- finding 1: payments ------------------------------------------------------------------------


def test_the_production_app_has_no_demo_route(system, tmp_path):
    from engine.config import load_settings
    from web.app import create_app

    def demo_rules(app) -> list[str]:
        return [
            rule.rule
            for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith(("testpayment.", "testclock.", "demo."))
            or rule.rule.endswith("/betal")
            or rule.rule.startswith(("/api/v1/test", "/demo/"))
        ]

    production = dataclasses.replace(
        load_settings(), database_url=str(system.db.url), data_dir=tmp_path, secret_key=SECRET_KEY,
        demo=False, test_clock=False,
    )  # fmt: skip
    assert demo_rules(create_app(production)) == []
    demo = dataclasses.replace(production, demo=True, test_clock=True)
    assert demo_rules(create_app(demo, local=True)), "the demo app does have them"

    # And over HTTP on gunicorn: the test provider's page and the test clock do not exist.
    reference, _ = system.case_awaiting_fee()
    browser, _ = system.login("klara")
    assert browser.get(f"{system.base}/sager/{reference}/betal", timeout=30).status_code == 404
    assert system.api("GET", "/api/v1/test/clock").status_code == 404
    for path in ("/demo/e-mails", "/demo/tid"):  # the sent mails, "spol tiden frem"
        assert browser.get(f"{system.base}{path}", timeout=30).status_code == 404


def test_in_demo_mode_the_test_provider_page_says_it_is_a_test_and_pays(system, tmp_path):
    from engine.config import load_settings
    from web.app import create_app

    demo = dataclasses.replace(
        load_settings(), database_url=str(system.db.url), data_dir=tmp_path, demo=True
    )
    client = create_app(demo, local=True).test_client()
    reference, instance_id = system.case_awaiting_fee()
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "klara", "password": PASSWORD, "csrf_token": token})

    case_page = client.get(f"/sager/{reference}").text
    assert f'href="/sager/{reference}/betal"' in case_page
    provider_page = client.get(f"/sager/{reference}/betal").text
    assert "Dette er en test, ikke en rigtig betaling." in provider_page
    assert "der trækkes ingen penge" in provider_page
    token = re.search(r'name="csrf_token" value="([^"]+)"', provider_page).group(1)
    paid = client.post(f"/sager/{reference}/betal", data={"csrf_token": token})
    assert paid.status_code == 302
    assert system.status(reference) != "awaiting_fee"
    assert fee_paid_messages(system, instance_id) == 1


def test_production_refuses_demo_mode_and_the_test_clock_at_start_up(system, tmp_path):
    url = str(system.db.url)
    for setting in ("KLAGEFLOW_DEMO", "KLAGEFLOW_TEST_CLOCK"):
        result = subprocess.run(
            [GUNICORN, "web.wsgi:app", "--bind", f"127.0.0.1:{free_port()}", "--workers", "1"],
            cwd=PROJECT_ROOT, env=production_env(url, tmp_path, **{setting: "1"}),
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode != 0
        assert f"refusing to start in production: {setting} is on" in result.stderr


def test_a_complainant_cannot_mark_their_own_fee_paid_on_the_production_server(system):
    reference, instance_id = system.case_awaiting_fee()
    browser, csrf = system.login("klara")

    page = browser.get(f"{system.base}/sager/{reference}", timeout=30).text
    assert "Afventer gebyr" in page
    assert "Testbetaling" not in page and f"/sager/{reference}/betal" not in page
    assert "nævnets betalingsløsning" in page

    answer = browser.post(
        f"{system.base}/sager/{reference}/betal", data={"csrf_token": csrf},
        allow_redirects=False, timeout=30,
    )  # fmt: skip
    assert answer.status_code == 404
    # Nor through the API with the complainant's own token, signed or not.
    body = json.dumps({"amount_dkk": 900}).encode()
    api = system.api(
        "POST", f"/api/v1/complaints/{reference}/payments", "klara", data=body,
        headers={**sign(body), "Idempotency-Key": "klara-1"},
    )  # fmt: skip
    assert api.status_code == 403
    assert system.status(reference) == "awaiting_fee"
    assert fee_paid_messages(system, instance_id) == 0


def test_a_signed_provider_callback_pays_the_fee_once(system):
    reference, instance_id = system.case_awaiting_fee()
    path = f"/api/v1/complaints/{reference}/payments"
    body = json.dumps({"amount_dkk": 900, "provider_ref": "NETS-4711"}).encode()
    key = {"Idempotency-Key": f"pay-{reference}"}

    def post(who="betaling", data=body, headers=None):
        return system.api("POST", path, who, data=data, headers=headers)

    # Refused: no signature, another secret, a stale or future timestamp, a changed body,
    # a provider with no secret configured, no idempotency key.
    assert post(headers={"Content-Type": "application/json", **key}).status_code == 401
    assert post(headers={**sign(body, secret="x" * 40), **key}).status_code == 401
    assert post(headers={**sign(body, int(time.time()) - 600), **key}).status_code == 401
    assert post(headers={**sign(body, int(time.time()) + 600), **key}).status_code == 401
    tampered = body.replace(b"NETS-4711", b"NETS-4712")
    assert post(data=tampered, headers={**sign(body), **key}).status_code == 401
    assert post("nets", headers={**sign(body), **key}).status_code == 403
    missing = post(headers=sign(body))
    assert missing.status_code == 422 and "Idempotency-Key" in missing.text
    assert system.status(reference) == "awaiting_fee"

    paid = post(headers={**sign(body), **key})
    assert paid.status_code == 200, paid.text
    assert paid.headers["Idempotent-Replayed"] == "false"
    assert paid.json()["fee"]["paid_at"]
    assert system.status(reference) != "awaiting_fee"

    # The provider retries (a lost answer): the same key answers the same, pays nothing more.
    again = post(headers={**sign(body), **key})
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["fee"]["paid_at"] == paid.json()["fee"]["paid_at"]
    other_body = json.dumps({"amount_dkk": 900, "provider_ref": "NETS-9999"}).encode()
    assert post(data=other_body, headers={**sign(other_body), **key}).status_code == 422
    new_key = post(headers={**sign(body), "Idempotency-Key": f"pay-{reference}-2"})
    assert new_key.status_code == 409
    assert fee_paid_messages(system, instance_id) == 1
    history = system.engine.show(instance_id).history
    [message] = [e for e in history if e.kind == "message_received"]
    assert message.details["data"]["provider"] == "betaling"
    assert message.details["data"]["provider_ref"] == "NETS-4711"
    # The provider's case reference found the case (correlation), not its instance id.
    assert message.details["correlation"] == {"reference": reference}


# -- finding 4: the secret key ----------------------------------------------------------------


def test_gunicorn_with_a_missing_short_or_published_secret_key_exits_with_the_reason(
    system, tmp_path
):
    url = str(system.db.url)
    cases = {
        "": "KLAGEFLOW_SECRET_KEY is not set",
        "too-short-key": "KLAGEFLOW_SECRET_KEY is shorter than 32 bytes",
        "change-me-in-production": "KLAGEFLOW_SECRET_KEY is a published default",
    }
    running = {}
    for key in cases:
        env = production_env(url, tmp_path, KLAGEFLOW_SECRET_KEY=key or None)
        running[key] = subprocess.Popen(
            [GUNICORN, "web.wsgi:app", "--bind", f"127.0.0.1:{free_port()}", "--workers", "1"],
            cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
    for key, process in running.items():
        _, stderr = process.communicate(timeout=120)
        assert process.returncode != 0, key
        assert f"refusing to start in production: {cases[key]}" in stderr, stderr
        assert "Traceback" not in stderr


def forged_session(secret: str, user_id: int, epoch: int) -> str:
    """A session cookie for `user_id` at session `epoch`, signed with `secret` as Flask signs it."""
    app = Flask("forger")
    app.secret_key = secret
    return (
        SecureCookieSessionInterface()
        .get_signing_serializer(app)
        .dumps({"user_id": user_id, "epoch": epoch, "csrf": "forged"})
    )


def test_a_cookie_signed_with_the_old_default_key_gives_nothing(system):
    admin_id = system.accounts.by_username("adam").id
    epoch = system.accounts.session_epoch(admin_id)

    def as_cookie(secret: str, method="GET", path="/api/v1/session", **kwargs):
        return requests.request(
            method, system.base + path, cookies={"session": forged_session(secret, admin_id, epoch)},
            headers={"X-CSRF-Token": "forged"}, allow_redirects=False, timeout=30, **kwargs,
        )  # fmt: skip

    # The forgery works with the server's own key (so the test can tell), not with the default.
    assert as_cookie(SECRET_KEY).status_code == 200
    assert as_cookie("change-me-in-production").status_code == 401
    assert as_cookie("change-me-in-production", path="/admin").status_code == 302
    created = as_cookie(
        "change-me-in-production", "POST", "/api/v1/admin/users",
        json={"username": "mallory", "role": "admin", "password": "mallory-password-123"},
    )  # fmt: skip
    assert created.status_code == 401
    assert "mallory" not in [u.username for u in system.accounts.users()]


def test_locally_a_published_key_signs_nothing_either(system, tmp_path):
    """`klageflow serve` on localhost replaces a published key by the installation's own."""
    port = free_port()
    env = production_env(
        str(system.db.url), tmp_path, KLAGEFLOW_SECRET_KEY="change-me-in-production"
    )
    base = f"http://127.0.0.1:{port}"
    server = start(
        [[*KLAGEFLOW, "serve", "--port", str(port)]], env, [tmp_path / "serve.log"],
        ready=base + "/api/v1/openapi.json",
    )  # fmt: skip
    try:
        admin_id = system.accounts.by_username("adam").id
        epoch = system.accounts.session_epoch(admin_id)
        forged = forged_session("change-me-in-production", admin_id, epoch)
        answer = requests.get(base + "/api/v1/session", cookies={"session": forged}, timeout=30)
        assert answer.status_code == 401
        own = (tmp_path / "secret_key").read_text().strip()
        assert len(own) >= 32
        genuine = requests.get(
            base + "/api/v1/session",
            cookies={"session": forged_session(own, admin_id, epoch)},
            timeout=30,
        )
        assert genuine.status_code == 200 and genuine.json()["username"] == "adam"
    finally:
        stop(server, [tmp_path / "serve.log"])


# -- findings 3 and 7: without trusted proxies --------------------------------------------------


def test_without_trusted_proxies_a_client_chooses_neither_its_address_nor_its_scheme(system):
    """KLAGEFLOW_TRUSTED_PROXIES unset (clients reach gunicorn directly): the forwarding
    headers are any client's own words, so they change neither HSTS nor the login limit."""
    forged = system.api("GET", "/login", headers={"X-Forwarded-Proto": "https"})
    assert forged.status_code == 200
    assert "Strict-Transport-Security" not in forged.headers
    assert forged.headers["X-Frame-Options"] == "DENY"

    statuses = [
        system.api(
            "POST", "/api/v1/session", json={"username": "nets", "password": f"guess {n}"},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        ).status_code
        for n in range(MAX_FAILED_PER_ACCOUNT + 2)
    ]  # fmt: skip
    assert statuses == [401] * MAX_FAILED_PER_ACCOUNT + [429, 429], "a new address per guess"


# -- finding 8: personal data -------------------------------------------------------------------


def test_a_party_reads_only_the_public_view_of_a_case(system):
    reference, instance_id = system.case_awaiting_fee(co_complainant=True)
    private = ["klara@klager.example", "karl@medklager.example", "hans@gammeldam.example",
               "plan@soenderborg.example", "pkn@naevneneshus.example"]  # fmt: skip

    for party in ("klara", "karl", "hans"):
        answer = system.api("GET", f"/api/v1/instances/{instance_id}", party)
        assert answer.status_code == 200, (party, answer.text)
        view = answer.json()
        assert set(view) == {"id", "process_key", "version", "business_key", "status",
                             "active_elements", "case"}, party  # fmt: skip
        assert view["case"]["reference"] == reference
        assert view["case"]["status"] == "awaiting_fee"
        assert "await_payment" in view["active_elements"]
        track = system.api("GET", f"/api/v1/complaints/{reference}", party).json()
        listed = system.api("GET", "/api/v1/complaints", party).json()
        decisions = system.api("GET", "/api/v1/decisions", party).json()
        decision = system.api("GET", f"/api/v1/decisions/{decisions[0]['id']}", party).json()
        assert decision["permit_holder"]["name"] == "Gammeldam ApS"
        for text in (answer.text, json.dumps(track), json.dumps(listed), json.dumps(decisions),
                     json.dumps(decision)):  # fmt: skip
            leaked = [
                address
                for address in private
                if address in text and not address.startswith(party)  # one's own may show
            ]
            assert leaked == [], (party, leaked)
        assert all("actor" not in entry for entry in view["case"]["timeline"])

    # Staff see everything.
    full = system.api("GET", f"/api/v1/instances/{instance_id}", "sonja")
    assert full.status_code == 200
    assert full.json()["data"]["authority_email"] == "plan@soenderborg.example"
    assert full.json()["history"]
    co = system.api("GET", f"/api/v1/complaints/{reference}", "sonja").json()["co_complainants"]
    assert co[0]["email"] == "karl@medklager.example"
    decisions = system.api("GET", "/api/v1/decisions", "sonja").json()
    assert decisions[0]["permit_holder"]["email"] == "hans@gammeldam.example"
    assert system.api("GET", "/api/v1/decisions", "hans").json()[0]["permit_holder"] == {
        "name": "Gammeldam ApS", "email": "hans@gammeldam.example", "username": "hans",
    }, "the permit holder sees their own entry"  # fmt: skip


def test_staff_access_to_a_case_is_logged_and_shown_to_admins(system):
    reference, instance_id = system.case_awaiting_fee()

    def log(**query) -> dict:
        answer = system.api("GET", "/api/v1/admin/case-access", "adam", params=query)
        assert answer.status_code == 200, answer.text
        return answer.json()

    assert log(reference=reference)["items"] == []
    # Parties' reads are not staff access.
    system.api("GET", f"/api/v1/instances/{instance_id}", "klara")
    system.api("GET", f"/api/v1/complaints/{reference}", "klara")
    assert log(reference=reference)["total"] == 0

    assert system.api("GET", f"/api/v1/instances/{instance_id}", "sonja").status_code == 200
    assert system.api("GET", f"/api/v1/complaints/{reference}", "sonja").status_code == 200
    browser, _ = system.login("sonja")
    assert browser.get(f"{system.base}/sager/{reference}", timeout=30).status_code == 200

    entries = log(reference=reference)["items"]
    assert [(e["username"], e["action"], e["channel"]) for e in entries] == [
        ("sonja", "view_case", "ui"),
        ("sonja", "view_case", "api"),
        ("sonja", "view_instance", "api"),
    ]
    assert all(e["instance_id"] == instance_id and e["role"] == "authority_caseworker"
               for e in entries)  # fmt: skip
    assert entries[0]["at"] >= entries[-1]["at"]

    # Paginated, and for administrators only.
    for _ in range(30):
        system.api("GET", f"/api/v1/instances/{instance_id}", "sonja")
    page = log(reference=reference, page=2, page_size=25)
    assert page["total"] == 33 and len(page["items"]) == 8
    assert system.api("GET", "/api/v1/admin/case-access", "sonja").status_code == 403
    assert system.api("GET", "/api/v1/admin/case-access", "klara").status_code == 403

    admin, _ = system.login("adam")
    html = admin.get(f"{system.base}/admin/adgangslog", params={"sag": reference}, timeout=30)
    assert html.status_code == 200
    assert "<h1>Adgangslog</h1>" in html.text
    assert "Procesinstans med data og historik" in html.text and "sonja" in html.text
    assert "Side 1 / 2 (33)" in html.text
    second = admin.get(
        f"{system.base}/admin/adgangslog", params={"sag": reference, "page": 2}, timeout=30
    )
    assert second.text.count("<tr><td><time") == 8
    assert "Sagsside / sporing" in second.text and "Brugerflade" in second.text
    assert browser.get(f"{system.base}/admin/adgangslog", timeout=30).status_code == 403


def test_docker_compose_ships_no_secret_and_reads_it_from_a_git_ignored_env_file():
    import yaml

    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    app = compose["x-klageflow"]
    assert app["env_file"] == ".env"
    assert "KLAGEFLOW_SECRET_KEY" not in app["environment"]
    assert "change-me" not in (PROJECT_ROOT / "docker-compose.yml").read_text()
    example = (PROJECT_ROOT / ".env.example").read_text()
    assert "KLAGEFLOW_SECRET_KEY=\n" in example and "KLAGEFLOW_PAYMENT_SECRETS=\n" in example
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".env"], cwd=PROJECT_ROOT, check=False
    ).returncode
    assert ignored == 0
