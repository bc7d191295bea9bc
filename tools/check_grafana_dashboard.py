#!/usr/bin/env python3
"""deploy/grafana/depthrec.json checked against what depthrec exposes (ctest GrafanaDashboard).

- the file is JSON with panels, each with PromQL targets, and the templated `market` and `symbol`
  variables (plus `instance` and the data source);
- every metric name in a panel expression or a variable query is one depthrec serves: the names
  are taken from the exposition code's families (src/exposition/*.cpp, the string literals that
  name a family; a histogram family also gives NAME_bucket, NAME_sum and NAME_count). A misspelt
  name fails, and so does the check itself run on a copy with one name misspelt (it must notice);
- with Debian's promtool, every expression (Grafana's $variables replaced by values) is compiled
  by `promtool check rules` as a recording rule of a generated rules file.
usage: check_grafana_dashboard.py [SOURCE_DIR]
"""
import copy
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SOURCE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
DASHBOARD = os.path.join(SOURCE, "deploy", "grafana", "depthrec.json")

# PromQL words that are not metric names: aggregations, functions are told by their "(".
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
            "unless", "offset", "inf", "nan"}


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def exposed_names():
    names, histograms = set(), set()
    for path in glob.glob(os.path.join(SOURCE, "src", "exposition", "*.cpp")):
        text = open(path, encoding="utf-8").read()
        names |= set(re.findall(r'"((?:depthrec|process)_[a-z0-9_]+)"', text))
        block = re.search(r"kHistograms\[\]\s*=\s*\{(.*?)\n\s*\};", text, re.S)
        if block:
            histograms |= set(re.findall(r'"(depthrec_[a-z0-9_]+)"', block.group(1)))
    if len(names) < 20 or len(histograms) < 3:
        fail(f"found only {len(names)} families and {len(histograms)} histograms in src/exposition")
    for name in histograms:
        names |= {name + "_bucket", name + "_sum", name + "_count"}
    return names


def metric_names(expr):
    """The metric names of one PromQL expression."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)                # string literals
    text = re.sub(r"\{[^}]*\}", "", text)                           # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)                          # ranges
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        rest = text[match.end():].lstrip()
        word = match.group(0)
        if rest.startswith("(") or word.lower() in KEYWORDS:
            continue
        names.add(word)
    return names


def expressions(dashboard):
    """(where, PromQL) of every panel target and every query variable."""
    out = []
    panels = [p for p in dashboard.get("panels", []) if p.get("type") != "row"]
    for panel in panels:
        for target in panel.get("targets", []):
            out.append((f"panel '{panel.get('title')}' {target.get('refId')}", target["expr"]))
    for variable in dashboard["templating"]["list"]:
        if variable.get("type") == "query":
            query = variable["query"]["query"] if isinstance(variable["query"], dict) else variable["query"]
            inner = re.fullmatch(r"label_values\((.*),\s*[a-z_]+\)", query)
            if not inner:
                fail(f"variable {variable['name']}: not label_values(SELECTOR, LABEL): {query}")
            out.append((f"variable {variable['name']}", inner.group(1)))
    return out


def unknown_names(dashboard, names):
    problems = []
    for where, expr in expressions(dashboard):
        found = metric_names(expr)
        if not found:
            problems.append(f"{where}: no metric name in {expr}")
        problems += [f"{where}: {name} is not exposed by depthrec" for name in sorted(found - names)]
    return problems


def promql_check(dashboard):
    if shutil.which("promtool") is None:
        print("promtool not installed (apt-get install prometheus): PromQL not compiled")
        return
    values = {"$__rate_interval": "1m", "$market": ".*", "$symbol": ".*", "$instance": ".*"}
    lines = ["groups:", "  - name: grafana_dashboard_expressions", "    rules:"]
    for i, (_, expr) in enumerate(expressions(dashboard)):
        for variable, value in values.items():
            expr = expr.replace(variable, value)
        if "$" in expr:
            fail("an expression uses a variable this check does not know: " + expr)
        lines += [f"      - record: dashboard:expression_{i}", "        expr: " + json.dumps(expr)]
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as rules:
        rules.write("\n".join(lines) + "\n")
    try:
        result = subprocess.run(["promtool", "check", "rules", rules.name], capture_output=True,
                                text=True, timeout=60)
    finally:
        os.unlink(rules.name)
    if result.returncode != 0:
        fail("promtool check rules:\n" + result.stdout + result.stderr)
    print(result.stdout.strip().splitlines()[-1])


def main():
    try:
        dashboard = json.load(open(DASHBOARD, encoding="utf-8"))
    except (OSError, ValueError) as error:
        fail(f"{DASHBOARD}: {error}")
    variables = {v["name"]: v for v in dashboard.get("templating", {}).get("list", [])}
    for name in ("market", "symbol", "instance"):
        if variables.get(name, {}).get("type") != "query":
            fail(f"no templated query variable `{name}`")
    names = exposed_names()
    problems = unknown_names(dashboard, names)
    if problems:
        fail("\n  ".join(["metric names the dashboard uses but depthrec does not serve:"] + problems))
    used = set().union(*(metric_names(e) for _, e in expressions(dashboard)))
    print(f"{len(expressions(dashboard))} expressions, {len(used)} metric names, all served "
          f"(of {len(names)} in src/exposition)")
    # The check must notice a misspelt name: one name of the first panel changed by a letter.
    broken = copy.deepcopy(dashboard)
    target = next(p for p in broken["panels"] if p.get("targets"))["targets"][0]
    first = sorted(metric_names(target["expr"]))[0]
    target["expr"] = target["expr"].replace(first, first[:-1] + "x", 1)
    if not unknown_names(broken, names):
        fail(f"a misspelt {first} went unnoticed")
    promql_check(dashboard)
    print("OK")


if __name__ == "__main__":
    main()
