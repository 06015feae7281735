"""Fill the check-summary columns (added in 0002) of checks that finished before them."""

from django.db import migrations


def summarise(report: dict) -> dict:
    # A frozen copy of checking.report_summary as it was when the columns were added.
    unreadable = report.get("status") == "unreadable"
    codes = sorted({str(f.get("code")) for f in report.get("findings") or [] if isinstance(f, dict) and f.get("code")})
    return {
        "verdict": "unreadable" if unreadable else str((report.get("pages") or {}).get("verdict") or ""),
        "leak_count": len((report.get("anonymity") or {}).get("leaks") or []),
        "format_count": len((report.get("format") or {}).get("violations") or []),
        "finding_codes": (" " + " ".join(codes) + " ")[:1000] if codes else "",
    }


def backfill(apps, schema_editor):
    CheckRun = apps.get_model("submissions", "CheckRun")
    for run in CheckRun.objects.filter(state="done", verdict="").exclude(report=None).iterator():
        for name, value in summarise(run.report or {}).items():
            setattr(run, name, value)
        run.save(update_fields=["verdict", "leak_count", "format_count", "finding_codes"])


class Migration(migrations.Migration):
    dependencies = [("submissions", "0002_desk_reject_and_check_summary")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
