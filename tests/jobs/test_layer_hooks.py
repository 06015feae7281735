"""The lease layer (paperdesk.jobs) imports no app: the apps' hooks reach it by
registration. The catalog (the jobs page's, in ops) is loaded before the first lookup, and
submissions registers its sweep of check runs left "running" by a dead worker."""

from __future__ import annotations

import ast
from pathlib import Path

import paperdesk.jobs as jobs
from paperdesk.submissions import checking


def test_the_check_tasks_hooks_come_from_the_catalog():
    hooks = jobs.hooks_for(checking.run_check.module_path)
    assert hooks.give_up is checking.give_up_check
    assert hooks.takeover is checking.takeover_check
    assert hooks.retry is checking.retry_check


def test_the_lease_sweep_runs_the_registered_check_sweep(monkeypatch, db):
    from paperdesk.jobs import leases

    seen = []
    monkeypatch.setattr(checking, "sweep_checks", lambda live, now: seen.append(now) or 7)
    counts = leases.sweep()
    assert seen and counts["rows"] >= 7


def test_the_lease_layer_imports_no_app():
    root = Path(jobs.__file__).parent
    apps = ("submissions", "committee", "reviews", "decisions", "accounts", "venues", "api", "ops", "demo")
    for source in root.rglob("*.py"):
        if "migrations" in source.parts:
            continue
        for node in ast.walk(ast.parse(source.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                assert not any(name.startswith(f"paperdesk.{app}") for app in apps), f"{source}: imports {name}"
