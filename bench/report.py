"""The benchmark's result: ratios, budgets, the printed table and the JSON document."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bench.pages import MAX_FEED_REBUILD_S, MAX_NATIONAL_RATIO, MAX_QUERIES


def floor_around(floors: list[dict[str, Any]], index: int) -> float:
    """The floor's throughput around page ``index``: the mean of the floor runs measured just
    before and just after it, so a change of the machine's load during the run touches the
    page and its yardstick alike."""
    before, after = floors[index], floors[index + 1]
    return (before["requests_per_second"] + after["requests_per_second"]) / 2


def with_ratios(run: dict[str, Any]) -> dict[str, Any]:
    floors = run["floor"]["loads"]
    for index, page in enumerate(run["pages"]):
        floor = floor_around(floors, index)
        rps = page["load"]["requests_per_second"]
        page["floor_rps"] = round(floor, 2)
        page["ratio_to_floor"] = round(rps / floor, 4) if floor else None
    rates = [f["requests_per_second"] for f in floors]
    run["floor"]["requests_per_second"] = round(sum(rates) / len(rates), 2)
    return run


def budgets(page: dict[str, Any], national_ratio: float | None) -> list[tuple[str, bool]]:
    checks = [(f"≤{MAX_QUERIES} queries", page["queries"] <= MAX_QUERIES)]
    least = page.get("min_ratio")
    if least is not None:
        ratio = page["ratio_to_floor"] or 0
        checks.append((f"≥{least:g} floor", ratio >= least))
    most = page.get("max_bytes")
    if most is not None:
        checks.append((f"<{most / 1_000_000:g} MB", page["body_bytes"] < most))
    if page["key"] == "feed_full":
        checks.append(
            (f"≤{MAX_FEED_REBUILD_S:g} s rebuild", page["single_ms"] <= 1000 * MAX_FEED_REBUILD_S)
        )
    if national_ratio is not None:
        checks.append((f"nat/mun ≤{MAX_NATIONAL_RATIO}", national_ratio <= MAX_NATIONAL_RATIO))
    return checks


def build(
    runs: dict[str, dict[str, Any]],
    *,
    started: datetime,
    options: dict[str, Any],
    machine: dict[str, Any],
    sizes: dict[str, int],
) -> dict[str, Any]:
    for run in runs.values():
        with_ratios(run)
    municipality = runs["municipality"]
    national = runs.get("national")
    national_pages = {p["key"]: p for p in national["pages"]} if national else {}
    for page in municipality["pages"]:
        other = national_pages.get(page["key"])
        # How much less of the floor the page manages in the national installation: >1 is
        # slower there. Floor-relative, so a busier machine during one run cancels out.
        ratio = None
        if other and other["ratio_to_floor"]:
            ratio = round(page["ratio_to_floor"] / other["ratio_to_floor"], 3)
        page["national_ratio"] = ratio
        if other:
            other["national_ratio"] = ratio
        page["budgets"] = [
            {"budget": name, "pass": passed} for name, passed in budgets(page, ratio)
        ]
        page["pass"] = all(check["pass"] for check in page["budgets"])
    return {
        "started": started.isoformat(),
        "options": options,
        "machine": machine,
        "sizes": sizes,
        "runs": runs,
    }


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}".replace(",", " ")


def _n(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def table(result: dict[str, Any]) -> str:
    """The table of the municipality run (national figures beside it when measured)."""
    run = result["runs"]["municipality"]
    national = result["runs"].get("national")
    head = (
        f"{'page':<30} {'queries':>7} {'bytes':>10} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>6} {'×floor':>7} {'nat/mun':>7}  budget"
    )
    lines = [head, "-" * len(head)]
    floor = run["floor"]
    loads = floor["loads"]
    first = loads[0]
    lines.append(
        f"{floor['label']:<30} {floor['queries']:>7} {floor['body_bytes']:>10} "
        f"{floor['requests_per_second']:>8.1f} {_ms(first['p50_ms']):>8} "
        f"{_ms(first['p95_ms']):>8} {_ms(first['p99_ms']):>8} "
        f"{sum(f['errors'] for f in loads):>6} {'1':>7} {'':>7}  (yardstick)"
    )
    for page in run["pages"]:
        load = page["load"]
        nat = "" if page.get("national_ratio") is None else f"{page['national_ratio']:.2f}"
        misses = [b["budget"] for b in page["budgets"] if not b["pass"]]
        verdict = "pass" if not misses else "miss: " + ", ".join(misses)
        lines.append(
            f"{page['label']:<30} {page['queries']:>7} {page['body_bytes']:>10} "
            f"{load['requests_per_second']:>8.2f} {_ms(load['p50_ms']):>8} "
            f"{_ms(load['p95_ms']):>8} {_ms(load['p99_ms']):>8} {load['errors']:>6} "
            f"{_ratio(page['ratio_to_floor']):>7} {nat:>7}  {verdict}"
        )
    for name, data in (("municipality", run), ("national", national)):
        if data is None or data["planner"] is None:
            continue
        planner, dispatcher = data["planner"], data["dispatcher"]
        lines.append(
            f"{name}: planner {planner['occurrences_per_second']} occurrences/s "
            f"({planner['occurrences']} occurrences, {planner['reminders_created']} reminders, "
            f"{planner['organizations']} organisations, {planner['seconds']} s); dispatcher "
            f"{dispatcher['emails_per_second']} emails/s ({dispatcher['emails']} emails in "
            f"{dispatcher['seconds']} s)"
        )
    return "\n".join(lines) + "\n"


def markdown(result: dict[str, Any]) -> str:
    """The same table in Markdown, for docs/performance.md."""
    run = result["runs"]["municipality"]
    national = result["runs"].get("national")
    national_rps = (
        {p["key"]: p["load"]["requests_per_second"] for p in national["pages"]} if national else {}
    )
    lines = [
        "| page | queries | bytes | req/s | p50 ms | p95 ms | p99 ms | errors | ×floor "
        "| single ms | nat/mun | budget |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    floor = run["floor"]
    loads = floor["loads"]
    lines.append(
        f"| {floor['label']} | {floor['queries']} | {_n(floor['body_bytes'])} "
        f"| {floor['requests_per_second']:.1f} | {_ms(loads[0]['p50_ms'])} "
        f"| {_ms(loads[0]['p95_ms'])} | {_ms(loads[0]['p99_ms'])} "
        f"| {sum(f['errors'] for f in loads)} | 1 | {floor['single_ms']:.0f} | | yardstick |"
    )
    for page in run["pages"]:
        load = page["load"]
        misses = [b["budget"] for b in page["budgets"] if not b["pass"]]
        verdict = "pass" if not misses else "**miss**: " + ", ".join(misses)
        nat = "" if page.get("national_ratio") is None else f"{page['national_ratio']:.2f}"
        if page["key"] in national_rps:
            nat += f" ({national_rps[page['key']]:.2f} req/s)"
        lines.append(
            f"| {page['label']} | {page['queries']} | {_n(page['body_bytes'])} "
            f"| {load['requests_per_second']:.2f} | {_ms(load['p50_ms'])} | {_ms(load['p95_ms'])} "
            f"| {_ms(load['p99_ms'])} | {load['errors']} | {_ratio(page['ratio_to_floor'])} "
            f"| {page['single_ms']:.0f} | {nat} | {verdict} |"
        )
    return "\n".join(lines) + "\n"
