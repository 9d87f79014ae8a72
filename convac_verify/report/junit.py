"""JUnit XML: one test case per result, a failure per violation (any CI shows it).

Claims judged for a whole family of widths (``rank --expect``) form one more suite,
``rank-family``.

An ``inconclusive`` result is a skipped test case with its reason (a failure with
``--strict``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..evidence.status import Status
from .model import CheckResult, Report
from .numbers import abbreviate_digits, fmt_eps, fmt_int

__all__ = ["render_junit"]


def _case(r: CheckResult, strict: bool) -> ET.Element:
    o = r.observation
    case = ET.Element(
        "testcase", classname=f"convac_verify.{r.check}", name=f"{o.label}: {o.subject}"
    )
    detail = (
        f"rank {fmt_int(o.measurement.rank)} {o.claim.relation} {o.claim.formula} = "
        f"{fmt_int(o.claim.value)}: {r.status.value} (eps {fmt_eps(r.verdict.epsilon)}); "
        f"{abbreviate_digits(r.verdict.reason)}; {r.reference}"
    )
    if r.status is Status.VIOLATED:
        message = abbreviate_digits(r.verdict.reason)
        ET.SubElement(case, "failure", message=message, type="violated").text = detail
    elif r.status is Status.INCONCLUSIVE and strict:
        message = abbreviate_digits(r.verdict.reason)
        ET.SubElement(case, "failure", message=message, type="inconclusive").text = detail
    elif r.status is Status.INCONCLUSIVE:
        message = f"inconclusive: {abbreviate_digits(r.verdict.reason)}"
        ET.SubElement(case, "skipped", message=message)
        ET.SubElement(case, "system-out").text = detail
    else:
        ET.SubElement(case, "system-out").text = detail
    return case


def render_junit(report: Report) -> str:
    """A ``<testsuites>`` document with one ``<testsuite>`` per check."""
    root = ET.Element("testsuites", name=f"convac-verify {report.command}")
    failing = {id(r) for r in report.failing}
    by_check: dict[str, list[CheckResult]] = {}
    for r in report.results:
        by_check.setdefault(r.check, []).append(r)
    for name, rs in by_check.items():
        failures = sum(id(r) in failing for r in rs)
        skipped = sum(r.status is Status.INCONCLUSIVE for r in rs) if not report.strict else 0
        suite = ET.SubElement(
            root,
            "testsuite",
            name=name,
            tests=str(len(rs)),
            failures=str(failures),
            errors="0",
            skipped=str(skipped),
        )
        suite.extend(_case(r, report.strict) for r in rs)
    if report.family:  # claims judged for a whole family of widths (rank --expect)
        suite = ET.SubElement(
            root,
            "testsuite",
            name="rank-family",
            tests=str(len(report.family)),
            failures=str(len(report.family_violated)),
            errors="0",
            skipped="0",
        )
        for f in report.family:
            case = ET.SubElement(
                suite,
                "testcase",
                classname="convac_verify.rank-family",
                name=f"rank {f.relation} {f.claim}: {f.family}",
            )
            detail = f"{f.status}: {f.reason}; upper bound {f.upper}, lower bound {f.lower}"
            if f.status == "violated":
                ET.SubElement(case, "failure", message=f.reason, type="violated").text = detail
            else:
                ET.SubElement(case, "system-out").text = detail
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
