"""The deployment kit (deploy/) read as an operator's tools would read it: these machines
cannot run containers, so the compose file, the image definition, the systemd units and
the proxy configurations are parsed and checked against what Paperdesk actually reads.

- every PAPERDESK_* / DATABASE_URL / AWS_* / PROMETHEUS_* variable the kit sets is one
  Paperdesk (its settings, or a library it configures) reads: a typo is a failure here,
  not a setting silently ignored in production;
- every variable Paperdesk reads is in docs/operations.md's table, and the table names
  nothing it does not read;
- the web services are probed at /healthz, the proxies set X-Forwarded-For and
  X-Forwarded-Proto and Paperdesk trusts exactly the proxy; the workers are two with
  distinct ids; migrations are a one-shot step the others wait for.
"""

from __future__ import annotations

import ast
import ipaddress
import os
import re
import shlex
import subprocess
import sys
import tomllib
import uuid
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SETTINGS = ROOT / "paperdesk" / "settings.py"
OPERATIONS = ROOT / "docs" / "operations.md"

# Variables of Paperdesk's kind: what the kit sets for Paperdesk's own processes.
OURS = re.compile(r"^(PAPERDESK_[A-Z0-9_]+|DATABASE_URL|AWS_[A-Z0-9_]+|PROMETHEUS_[A-Z0-9_]+|DJANGO_SETTINGS_MODULE)$")
# Read by a library Paperdesk configures rather than by Paperdesk's code.
READ_BY_LIBRARIES = {
    "AWS_ACCESS_KEY_ID": "boto3 (django-storages' S3 client)",
    "AWS_SECRET_ACCESS_KEY": "boto3 (django-storages' S3 client)",
    "DJANGO_SETTINGS_MODULE": "Django",
}
# Hooks for the test suite only; never an operator's setting.
TEST_HOOK = re.compile(r"_TEST_")
PAPERDESK_SERVICES = ("migrate", "web-1", "web-2", "worker-1", "worker-2")


# --- what Paperdesk reads ------------------------------------------------------------------


def environment_reads(path: Path) -> set[str]:
    """Names read from the environment in one module: os.environ.get("X"), os.environ["X"],
    os.getenv("X") and settings.env_bool("X")."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            called = ast.unparse(node.func)
            if called in ("os.environ.get", "os.getenv", "env_bool", "environ.get"):
                names.add(node.args[0].value)
        elif (isinstance(node, ast.Subscript) and ast.unparse(node.value) in ("os.environ", "environ")
              and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
            names.add(node.slice.value)
    return names


def settings_reads() -> set[str]:
    return environment_reads(SETTINGS)


def app_reads() -> set[str]:
    """Every module of the package except the test settings."""
    names = set()
    for path in (ROOT / "paperdesk").rglob("*.py"):
        if path.name != "test_settings.py" and "migrations" not in path.parts:
            names |= environment_reads(path)
    return names


def operator_variables() -> set[str]:
    """What an operator may set: everything Paperdesk reads except test hooks, the library
    ones, and nothing of another program (the checker's child gets a cleaned environment)."""
    ours = {name for name in app_reads() if OURS.match(name) and not TEST_HOOK.search(name)}
    return ours | set(READ_BY_LIBRARIES)


def test_the_environment_scan_finds_what_settings_read():
    """The scanner itself: known reads of each form are found (else every test below would
    pass on nothing)."""
    reads = settings_reads()
    for name in ("DATABASE_URL", "PAPERDESK_VAR", "PAPERDESK_DEBUG", "PAPERDESK_SMTP_HOST", "AWS_S3_ENDPOINT_URL"):
        assert name in reads
    assert "PROMETHEUS_MULTIPROC_DIR" in app_reads()
    assert "PAPERDESK_CHAIR_EMAIL" in app_reads()


# --- the kit's files, parsed -------------------------------------------------------------


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def containerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined, comments dropped."""
    instructions, pending = [], ""
    for line in (DEPLOY / "Containerfile").read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = pending + stripped
        pending = ""
        keyword, _, rest = whole.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    return instructions


def unit(name: str) -> dict[str, list[tuple[str, str]]]:
    """A systemd unit: section -> [(key, value)], repeated keys kept (ExecStart, Environment)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        key, _, value = line.partition("=")
        assert current is not None, f"{name}: {line!r} outside a section"
        current.append((key.strip(), value.strip()))
    return sections


def values(section: list[tuple[str, str]], key: str) -> list[str]:
    return [v for k, v in section if k == key]


def env_file(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f"{path.name}: {line!r} is not NAME=value"
            pairs[key.strip()] = value
    return pairs


UNITS = ("paperdesk-migrate.service", "paperdesk-web.service", "paperdesk-worker@.service")


def kit_variables() -> dict[str, set[str]]:
    """Every variable the kit sets for a Paperdesk process, by where it is set."""
    found: dict[str, set[str]] = {}

    def add(name: str, where: str) -> None:
        found.setdefault(name, set()).add(where)

    services = compose()["services"]
    for service in PAPERDESK_SERVICES + ("bucket",):
        for name in services[service].get("environment", {}):
            add(name, f"compose.yaml:{service}")
    for keyword, rest in containerfile():
        if keyword == "ENV":
            for token in shlex.split(rest):
                add(token.partition("=")[0], "Containerfile ENV")
        elif keyword == "RUN":
            for name in re.findall(r"(?:^|[\s;&])([A-Z][A-Z0-9_]*)=", rest):
                add(name, "Containerfile RUN")
    for name in UNITS:
        for assignment in values(unit(name)["Service"], "Environment"):
            for token in shlex.split(assignment):
                add(token.partition("=")[0], f"systemd/{name}")
    for name in env_file(DEPLOY / "systemd" / "paperdesk.env.example"):
        add(name, "systemd/paperdesk.env.example")
    return found


# --- variables ---------------------------------------------------------------------------


def test_every_variable_the_kit_sets_is_one_paperdesk_reads():
    kit = kit_variables()
    ours = {name: where for name, where in kit.items() if OURS.match(name)}
    # The kit does configure the real thing: not a vacuous pass.
    for expected in ("DATABASE_URL", "PAPERDESK_SECRET_KEY", "PAPERDESK_TRUSTED_PROXIES", "PAPERDESK_S3_BUCKET",
                     "AWS_S3_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "PAPERDESK_SMTP_HOST", "PAPERDESK_VAR", "PAPERDESK_STATIC_ROOT"):
        assert expected in ours, f"the kit never sets {expected}"
    read = app_reads() | set(READ_BY_LIBRARIES)
    unknown = {name: sorted(where) for name, where in ours.items() if name not in read}
    assert not unknown, f"set by the kit but read by nobody (a typo?): {unknown}"
    # Beyond the few read elsewhere (the metrics folder, the chair's address), settings.py is the reader.
    elsewhere = {name for name in ours if name not in settings_reads() and name not in READ_BY_LIBRARIES}
    assert elsewhere <= {"PROMETHEUS_MULTIPROC_DIR"}, elsewhere
    # Nothing of another naming scheme slips into Paperdesk's containers or units either.
    python_and_pip = {"PATH", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "PIP_DISABLE_PIP_VERSION_CHECK", "PIP_NO_CACHE_DIR"}
    others = {name: sorted(where) for name, where in kit.items() if not OURS.match(name) and name not in python_and_pip}
    assert not others, f"variables Paperdesk does not read: {others}"


def documented_table() -> dict[str, str]:
    """docs/operations.md's configuration table: variable -> its row."""
    rows = {}
    for line in OPERATIONS.read_text().splitlines():
        match = re.match(r"^\| `([A-Z][A-Z0-9_]+)` \|", line)
        if match:
            rows[match.group(1)] = line
    return rows


def test_every_variable_paperdesk_reads_is_documented_and_nothing_else_is():
    table = documented_table()
    wanted = operator_variables()
    assert all(OURS.match(name) for name in settings_reads()), settings_reads()
    assert settings_reads() <= wanted
    missing = sorted(wanted - set(table))
    assert not missing, f"read by Paperdesk but not in docs/operations.md's table: {missing}"
    stale = sorted(set(table) - wanted)
    assert not stale, f"in docs/operations.md's table but read by nobody: {stale}"
    for name, row in table.items():
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) >= 3 and cells[2], f"{name}: the row says nothing about what it means"


def test_the_operations_guide_covers_what_an_operator_needs():
    text = OPERATIONS.read_text()
    for needle in ("pg_dump", "pg_restore", "sqlite3", ".backup", "verify_uploads", "restore drill", "/healthz", "/readyz",
                   "/metrics", "/ops/jobs/", "/chair/jobs/", "X-Forwarded-For", "X-Forwarded-Proto", "HSTS",
                   "PAPERDESK_CSRF_TRUSTED_ORIGINS", "one migrate per upgrade", "Alert on"):
        assert needle.lower() in text.lower(), needle
    assert "docs/operations.md" in (ROOT / "README.md").read_text(), "the README points to the operations guide"


# --- compose -----------------------------------------------------------------------------


def test_compose_has_the_whole_topology():
    services = compose()["services"]
    assert set(services) >= {"db", "s3", "bucket", "migrate", "web-1", "web-2", "worker-1", "worker-2", "proxy"}
    assert services["db"]["image"].startswith("postgres:")
    assert "server" in services["s3"]["command"]
    for name in PAPERDESK_SERVICES:
        assert services[name]["image"] == services["bucket"]["image"]
        assert services[name]["build"]["dockerfile"] == "deploy/Containerfile"
    # Only the proxy is reachable from outside.
    assert [name for name, s in services.items() if s.get("ports")] == ["proxy"]


def test_compose_runs_one_migrate_that_web_and_workers_wait_for():
    services = compose()["services"]
    command = " ".join(services["migrate"]["command"])
    assert "paperdesk migrate --no-input" in command and "paperdesk createcachetable" in command
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web-1", "web-2", "worker-1", "worker-2"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name


def test_compose_web_services_serve_without_a_worker_and_are_probed_at_healthz():
    services = compose()["services"]
    for name in ("web-1", "web-2"):
        web = services[name]
        argv = web["command"]
        assert argv[:2] == ["paperdesk", "serve"] and "--no-worker" in argv and "--no-collectstatic" in argv
        assert argv[argv.index("--port") + 1] == "8000" and argv[argv.index("--host") + 1] == "0.0.0.0"  # noqa: S104 - in its container
        probe = " ".join(web["healthcheck"]["test"])
        assert "http://127.0.0.1:8000/healthz" in probe
        # The probe's Host header must be one the site answers to.
        host = re.search(r"'Host': '([^']+)'", probe).group(1)
        assert host in web["environment"]["PAPERDESK_ALLOWED_HOSTS"].split(",")
        assert "front" in web["networks"] and "back" in web["networks"]


def test_compose_runs_two_workers_with_distinct_ids_on_every_queue():
    services = compose()["services"]
    ids = []
    for name in ("worker-1", "worker-2"):
        argv = services[name]["command"]
        assert argv[:2] == ["paperdesk", "db_worker"] and argv[argv.index("--queue-name") + 1] == "*"
        assert "--no-reload" in argv
        ids.append(argv[argv.index("--worker-id") + 1])
    assert len(set(ids)) == 2


def test_compose_trusts_exactly_the_proxy_and_points_at_its_store_and_relay():
    data = compose()
    services = data["services"]
    proxy_ip = services["proxy"]["networks"]["front"]["ipv4_address"]
    subnet = ipaddress.ip_network(data["networks"]["front"]["ipam"]["config"][0]["subnet"])
    assert ipaddress.ip_address(proxy_ip) in subnet
    for name in PAPERDESK_SERVICES:
        env = services[name]["environment"]
        assert env["PAPERDESK_TRUSTED_PROXIES"] == proxy_ip, name
        assert env["PAPERDESK_SITE_URL"].startswith("https://") and env["PAPERDESK_CSRF_TRUSTED_ORIGINS"].startswith("https://")
        assert env["AWS_S3_ENDPOINT_URL"] == "http://s3:9000" and env["PAPERDESK_S3_BUCKET"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
        assert env["PAPERDESK_SMTP_HOST"].startswith("${SMTP_HOST")


def test_every_value_compose_asks_for_is_in_env_example():
    text = (DEPLOY / "compose.yaml").read_text()
    asked = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    example = env_file(DEPLOY / "env.example")
    assert asked, "compose.yaml asks for nothing?"
    assert asked <= set(example), f"compose.yaml asks for {sorted(asked - set(example))}, not in deploy/env.example"
    assert set(example) <= asked, f"deploy/env.example sets {sorted(set(example) - asked)}, which compose.yaml never uses"


# --- the proxies -------------------------------------------------------------------------


def test_caddy_sets_the_forwarding_headers_and_balances_both_web_services():
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    upstreams = re.search(r"reverse_proxy ([^{]+)\{", caddyfile).group(1).split()
    assert upstreams == ["web-1:8000", "web-2:8000"]
    assert re.search(r"header_up X-Forwarded-For \{remote_host\}", caddyfile)
    assert re.search(r"header_up X-Forwarded-Proto \{scheme\}", caddyfile)
    assert re.search(r"health_uri /healthz\b", caddyfile)
    # The active check's Host is one the web services answer to.
    health_host = re.search(r"health_headers \{\s*Host (\S+)", caddyfile).group(1)
    assert health_host in compose()["services"]["web-1"]["environment"]["PAPERDESK_ALLOWED_HOSTS"].split(",")
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in compose()["services"]["proxy"]["volumes"]
    assert max_upload_mb() <= int(re.search(r"max_size (\d+)MB", caddyfile).group(1))


def max_upload_mb() -> int:
    venue = tomllib.loads((ROOT / "venues" / "mechinterp-2025.toml").read_text())
    return max(venue["submission"]["max_pdf_mb"], venue["submission"]["max_supplementary_mb"])


def test_nginx_sets_the_forwarding_headers_and_reaches_the_web_unit():
    conf = (DEPLOY / "nginx" / "paperdesk.conf").read_text()
    assert re.search(r"proxy_set_header X-Forwarded-For \$remote_addr;", conf)
    assert re.search(r"proxy_set_header X-Forwarded-Proto \$scheme;", conf)
    assert re.search(r"proxy_set_header Host \$host;", conf)
    upstream = re.search(r"upstream paperdesk \{\s*server (\S+?)[\s;]", conf).group(1)
    argv = shlex.split(values(unit("paperdesk-web.service")["Service"], "ExecStart")[0])
    assert upstream == f"{argv[argv.index('--host') + 1]}:{argv[argv.index('--port') + 1]}"
    assert max_upload_mb() <= int(re.search(r"client_max_body_size (\d+)m;", conf).group(1))
    # The units' example environment trusts this proxy (on the same machine: loopback).
    assert env_file(DEPLOY / "systemd" / "paperdesk.env.example")["PAPERDESK_TRUSTED_PROXIES"] == "127.0.0.1"


# --- the image ---------------------------------------------------------------------------


def test_the_image_is_built_from_the_wheel_in_two_stages():
    steps = containerfile()
    froms = [rest for keyword, rest in steps if keyword == "FROM"]
    assert len(froms) == 2 and froms[0].endswith(" AS build")
    base = dict(rest.split("=", 1) for keyword, rest in steps if keyword == "ARG" and "=" in rest)["PYTHON_IMAGE"]
    assert base.startswith("python:3.11-slim")
    runs = " ".join(rest for keyword, rest in steps if keyword == "RUN")
    assert "pip wheel --no-deps" in runs and "paperdesk-*.whl)[s3]" in runs
    assert any(k == "COPY" and "--from=build /opt/paperdesk/venv" in r for k, r in steps)
    # Every COPY source from the context exists and the ignore file lets it through.
    ignore = (DEPLOY / "Containerfile.dockerignore").read_text().split()
    for keyword, rest in steps:
        if keyword == "COPY" and not rest.startswith("--from"):
            *sources, _ = rest.split()
            for source in sources:
                assert (ROOT / source).exists(), source
                assert f"!{source.rstrip('/')}" in [line.rstrip("/") for line in ignore] or f"!{source}" in ignore, source


def test_the_image_runs_unprivileged_with_static_collected_and_a_data_volume():
    steps = containerfile()
    env = {}
    for keyword, rest in steps:
        if keyword == "ENV":
            env.update(token.split("=", 1) for token in shlex.split(rest))
    last_stage = steps[max(i for i, (k, _) in enumerate(steps) if k == "FROM"):]
    users = [rest for keyword, rest in last_stage if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    collect = [rest for keyword, rest in last_stage if keyword == "RUN" and "collectstatic" in rest]
    assert collect and "PAPERDESK_SECRET_KEY=" in collect[0]  # no key is generated into the image
    assert env["PAPERDESK_VAR"] == "/var/lib/paperdesk"
    assert not env["PAPERDESK_STATIC_ROOT"].startswith(env["PAPERDESK_VAR"]), "a volume would hide the image's static files"
    volumes = [rest for keyword, rest in last_stage if keyword == "VOLUME"]
    assert volumes and env["PAPERDESK_VAR"] in volumes[0]
    health = " ".join(rest for keyword, rest in last_stage if keyword == "HEALTHCHECK")
    assert "http://127.0.0.1:8000/healthz" in health
    # The same probe as the compose file's web services (which the topology test runs).
    image_probe = ast.literal_eval(health.partition(" CMD ")[2])
    assert image_probe == compose()["services"]["web-1"]["healthcheck"]["test"][1:]
    cmd = [rest for keyword, rest in last_stage if keyword == "CMD"][-1]
    argv = ast.literal_eval(cmd)
    assert argv[:2] == ["paperdesk", "serve"] and argv[argv.index("--port") + 1] == "8000" and "--no-worker" in argv
    assert "8000" in next(rest for keyword, rest in last_stage if keyword == "EXPOSE").split()


# --- systemd -----------------------------------------------------------------------------

HARDENING = {
    "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes", "PrivateDevices": "yes",
    "CapabilityBoundingSet": "", "RestrictNamespaces": "yes", "RestrictSUIDSGID": "yes", "LockPersonality": "yes",
    "SystemCallFilter": "@system-service", "StateDirectory": "paperdesk",
}


@pytest.mark.parametrize("name", UNITS)
def test_units_run_unprivileged_and_hardened(name):
    service = dict(unit(name)["Service"])
    assert service["User"] == "paperdesk" and service["Group"] == "paperdesk"
    for key, wanted in HARDENING.items():
        assert service.get(key) == wanted, f"{name}: {key}={service.get(key)!r}, wanted {wanted!r}"
    assert service["EnvironmentFile"] == "/etc/paperdesk/paperdesk.env"
    env = dict(token.split("=", 1) for a in values(unit(name)["Service"], "Environment") for token in shlex.split(a))
    assert env["PAPERDESK_VAR"] == "/var/lib/paperdesk"  # the StateDirectory, the only place it writes


def test_units_migrate_once_before_web_and_workers():
    migrate = unit("paperdesk-migrate.service")
    service = migrate["Service"]
    assert dict(service)["Type"] == "oneshot" and dict(service)["RemainAfterExit"] == "yes"
    assert [shlex.split(c)[1:] for c in values(service, "ExecStart")] == [["migrate", "--no-input"], ["createcachetable"]]
    for name in ("paperdesk-web.service", "paperdesk-worker@.service"):
        section = unit(name)["Unit"]
        assert "paperdesk-migrate.service" in " ".join(values(section, "Requires")), name
        assert "paperdesk-migrate.service" in " ".join(values(section, "After")), name


def test_units_serve_the_web_and_run_workers_from_a_template():
    web = shlex.split(values(unit("paperdesk-web.service")["Service"], "ExecStart")[0])
    assert web[0] == "/opt/paperdesk/venv/bin/paperdesk" and web[1] == "serve" and "--no-worker" in web and "--no-collectstatic" in web
    worker = shlex.split(values(unit("paperdesk-worker@.service")["Service"], "ExecStart")[0])
    assert worker[1] == "db_worker" and worker[worker.index("--queue-name") + 1] == "*"
    assert "%i" in worker[worker.index("--worker-id") + 1]  # unique per instance
    wants = " ".join(values(unit("paperdesk.target")["Unit"], "Wants")).split()
    assert {"paperdesk-web.service", "paperdesk-worker@1.service", "paperdesk-worker@2.service", "paperdesk-migrate.service"} <= set(wants)


def test_the_metrics_folder_exists_before_the_web_server_starts():
    """`paperdesk serve` counts in PROMETHEUS_MULTIPROC_DIR from its first line (the checks
    at start-up load the metrics): a folder that does not exist yet stops it with a
    traceback (found by the topology test), so the image and the unit make it."""
    steps = containerfile()
    env = {}
    for keyword, rest in steps:
        if keyword == "ENV":
            env.update(token.split("=", 1) for token in shlex.split(rest))
    made = " ".join(rest for keyword, rest in steps if keyword == "RUN" and "mkdir" in rest)
    assert env["PROMETHEUS_MULTIPROC_DIR"] in made.split() and "chown" in made
    service = unit("paperdesk-web.service")["Service"]
    folder = dict(token.split("=", 1) for a in values(service, "Environment") for token in shlex.split(a))["PROMETHEUS_MULTIPROC_DIR"]
    made_by_systemd = {f"/run/{d}" for entry in values(service, "RuntimeDirectory") for d in entry.split()}
    assert folder in made_by_systemd, f"{folder} is not among the runtime folders systemd makes: {sorted(made_by_systemd)}"


def test_the_bucket_step_makes_the_bucket_on_an_s3_compatible_server_and_runs_again(s3_endpoint, tmp_path):
    """compose.yaml's one-shot `bucket` step, run as written against a real S3-compatible
    server (moto's): it creates the bucket, and a second run (every `up`) finds it."""
    import boto3

    argv = compose()["services"]["bucket"]["command"]
    assert argv[:2] == ["python", "-c"]
    bucket = f"paperdesk-{uuid.uuid4().hex[:12]}"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PAPERDESK_"))},
           "AWS_S3_ENDPOINT_URL": s3_endpoint, "AWS_S3_REGION_NAME": "us-east-1", "PAPERDESK_S3_BUCKET": bucket,
           "AWS_ACCESS_KEY_ID": "paperdesk-test", "AWS_SECRET_ACCESS_KEY": "paperdesk-test-secret"}
    for _ in range(2):
        done = subprocess.run([sys.executable, *argv[1:]], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0 and f"bucket ready: {bucket}" in done.stdout, done.stdout + done.stderr
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id="paperdesk-test", aws_secret_access_key="paperdesk-test-secret")
    assert bucket in [b["Name"] for b in client.list_buckets()["Buckets"]]
