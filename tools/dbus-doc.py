#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write docs/dbus-api.md from the D-Bus introspection XML in dbus/.

The XML is the only definition of wearbridge's D-Bus API. Each interface and member carries a
gtk-doc style comment just before it:

    <!--
        ConnectEmulator:
        @address: what the argument means; continuation lines
          are indented
        @watch: ...

        Paragraphs of description.

        Possible errors: org.wearbridge.Error.InvalidArgs (why), org.wearbridge.Error.Failed
    -->
    <method name="ConnectEmulator">

This script turns them into one Markdown page. It also enforces that every interface, property,
method, signal and argument is documented and that every method lists its possible errors.

Usage:
    tools/dbus-doc.py            regenerate docs/dbus-api.md
    tools/dbus-doc.py --check    exit 1, printing a diff, if docs/dbus-api.md is not current

Python 3.8 or later, standard library only.
"""

import argparse
import difflib
import os
import pathlib
import re
import sys
import textwrap
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "docs" / "dbus-api.md"
BUS_NAME = "org.wearbridge"
EMITS_CHANGED = "org.freedesktop.DBus.Property.EmitsChangedSignal"
SINCE = "org.gtk.GDBus.Since"
DEPRECATED = "org.freedesktop.DBus.Deprecated"


class DocError(Exception):
    """The XML breaks a documentation rule; the message says where."""


class Doc:
    """A parsed doc comment."""

    def __init__(self, symbol, params, paragraphs, errors):
        self.symbol = symbol  # the "Name:" the comment starts with
        self.params = params  # {"@name" without "@": text}
        self.paragraphs = paragraphs  # [text]
        self.errors = errors  # None, or [(error name, reason or "")]


def reflow(lines):
    return " ".join(line.strip() for line in lines if line.strip())


def split_top_level(text, sep=","):
    """Splits at @sep outside parentheses."""
    parts, depth, current = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        if ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def parse_errors(text, where):
    if not text:
        raise DocError(f"{where}: 'Possible errors:' lists nothing; write 'none (why)'")
    errors = []
    for item in split_top_level(text):
        m = re.fullmatch(r"(\S+)\s*(?:\((.*)\))?\.?", item, re.S)
        if not m:
            raise DocError(f"{where}: cannot read the error '{item}'")
        name, reason = m.group(1), (m.group(2) or "").strip()
        if name != "none" and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+", name):
            raise DocError(f"{where}: '{name}' is not a D-Bus error name")
        errors.append((name, reason))
    if len(errors) > 1 and any(name == "none" for name, _ in errors):
        raise DocError(f"{where}: 'Possible errors:' lists 'none' and errors")
    return errors


def parse_comment(text, where):
    lines = textwrap.dedent(text.strip("\n")).strip().splitlines()
    if not lines:
        raise DocError(f"{where}: empty doc comment")
    m = re.match(r"^([A-Za-z0-9_.]+):\s*(.*)$", lines[0])
    if not m:
        raise DocError(f"{where}: a doc comment starts with 'Name:', not '{lines[0]}'")
    symbol, first = m.group(1), m.group(2)

    params = {}
    body = []
    i = 1
    # @param: lines, each possibly continued by more-indented lines, up to a blank line
    current = None
    while i < len(lines) and lines[i].strip():
        line = lines[i]
        pm = re.match(r"^@([A-Za-z0-9_]+):\s*(.*)$", line)
        if pm:
            current = pm.group(1)
            params[current] = [pm.group(2)]
        elif current is not None:
            params[current].append(line)
        else:
            body.append(line)
        i += 1
    params = {k: reflow(v) for k, v in params.items()}

    if first:
        body.insert(0, first)
    paragraphs = [reflow(body)] if body else []
    block = []
    for line in lines[i:] + [""]:
        if line.strip():
            block.append(line)
        elif block:
            paragraphs.append(reflow(block))
            block = []
    paragraphs = [p for p in paragraphs if p]

    errors = None
    kept = []
    for p in paragraphs:
        if p.startswith("Possible errors:"):
            if errors is not None:
                raise DocError(f"{where}: two 'Possible errors:' paragraphs")
            errors = parse_errors(p[len("Possible errors:"):].strip(), where)
        else:
            kept.append(p)
    return Doc(symbol, params, kept, errors)


def annotations(element):
    return {a.get("name"): a.get("value") for a in element.findall("annotation")}


def documented_children(parent, tags, where):
    """Yields (element, Doc) for the children with @tags, each with the comment before it."""
    pending = None
    for child in parent:
        if child.tag is ET.Comment:
            pending = child.text or ""
            continue
        if child.tag not in tags:
            pending = None
            continue
        name = child.get("name")
        here = f"{where}: <{child.tag} name=\"{name}\">"
        if pending is None:
            raise DocError(f"{here} has no doc comment before it")
        doc = parse_comment(pending, here)
        if doc.symbol != name:
            raise DocError(f"{here}: its doc comment is for '{doc.symbol}'")
        pending = None
        yield child, doc


class Member:
    def __init__(self, kind, element, doc, where):
        self.kind = kind
        self.name = element.get("name")
        self.doc = doc
        self.annotations = annotations(element)
        self.type = element.get("type")
        self.access = element.get("access")
        self.args = []
        for arg in element.findall("arg"):
            direction = arg.get("direction") or ("out" if kind == "signal" else "in")
            arg_name = arg.get("name")
            if not arg_name:
                raise DocError(f"{where}: {kind} {self.name} has an argument without a name")
            if arg_name not in doc.params:
                raise DocError(f"{where}: {kind} {self.name}: argument '{arg_name}' has no "
                               f"@{arg_name}: line")
            self.args.append((direction, arg.get("type"), arg_name, doc.params[arg_name]))
        unknown = set(doc.params) - {a[2] for a in self.args}
        if unknown:
            raise DocError(f"{where}: {kind} {self.name} documents unknown arguments: "
                           + ", ".join(sorted(unknown)))
        if kind == "method" and doc.errors is None:
            raise DocError(f"{where}: method {self.name} has no 'Possible errors:' paragraph")
        if kind != "method" and doc.errors is not None:
            raise DocError(f"{where}: {kind} {self.name} lists errors; only methods return them")
        if not doc.paragraphs and kind != "property":
            raise DocError(f"{where}: {kind} {self.name} has no description")


class Interface:
    def __init__(self, element, doc, source):
        self.name = element.get("name")
        self.source = source
        self.doc = doc
        self.short = doc.params.pop("short_description", "")
        self.annotations = annotations(element)
        where = f"{source.name}: {self.name}"
        if not self.short:
            raise DocError(f"{where}: no @short_description")
        if not doc.paragraphs:
            raise DocError(f"{where}: no description")
        if doc.params:
            raise DocError(f"{where}: unexpected @{', @'.join(sorted(doc.params))}")
        self.properties, self.methods, self.signals = [], [], []
        for child, cdoc in documented_children(element, ("property", "method", "signal"), where):
            member = Member(child.tag, child, cdoc, where)
            {"property": self.properties, "method": self.methods,
             "signal": self.signals}[child.tag].append(member)


def load(path):
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    try:
        root = ET.parse(str(path), parser=parser).getroot()
    except ET.ParseError as e:
        raise DocError(f"{path.name}: {e}") from e
    if root.tag != "node":
        raise DocError(f"{path.name}: the root element is <{root.tag}>, not <node>")
    return [Interface(el, doc, path) for el, doc in documented_children(root, ("interface",), path.name)]


# --- Markdown ---

CODE_RE = re.compile(
    r"`[^`]*`"  # already code
    r"|\borg\.(?:wearbridge|freedesktop)(?:\.[A-Za-z0-9_]+)*(?:\.\*)?"  # D-Bus names
    r"|(?<![\w/])/org/wearbridge(?:/[A-Za-z0-9_]+)*/?"  # object paths
    r"|\b[A-Z][A-Za-z0-9]*\(\)"  # Method()
)


def md(text):
    """Prose to Markdown: names and paths as code, the rest escaped where it could be markup."""
    out, pos = [], 0
    for m in CODE_RE.finditer(text):
        out.append(escape(text[pos:m.start()]))
        token = m.group(0)
        out.append(token if token.startswith("`") else f"`{token}`")
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def escape(text):
    return re.sub(r"([\\*<>\[\]|])", r"\\\1", text)


def anchor(title):
    """GitHub's heading anchors: lower case, punctuation dropped, spaces as '-'."""
    return re.sub(r"[^a-z0-9 _-]", "", title.lower()).replace(" ", "-")


def shown_path(path):
    """A path as the page shows it: relative to the source tree when inside it."""
    return path.relative_to(ROOT).as_posix() if ROOT in path.parents else path.name


def short_iface(name):
    return name[len(BUS_NAME) + 1:] if name.startswith(BUS_NAME + ".") else name


def emits_changed(iface, prop):
    value = prop.annotations.get(EMITS_CHANGED, iface.annotations.get(EMITS_CHANGED, "true"))
    return {"true": "yes", "false": "no", "invalidates": "invalidates", "const": "never (constant)"}.get(value, value)


def notes(member):
    """Since/Deprecated and any other annotation, as short sentences."""
    result = []
    for name, value in member.annotations.items():
        if name == EMITS_CHANGED:
            continue
        if name == SINCE:
            result.append(f"Since {value}.")
        elif name == DEPRECATED and value == "true":
            result.append("Deprecated.")
        else:
            result.append(f"Annotation `{name}` = `{value}`.")
    return result


def signature(member):
    if member.kind == "signal":
        args = ", ".join(f"{t} {n}" for _, t, n, _ in member.args)
    else:
        args = ", ".join(f"{d} {t} {n}" for d, t, n, _ in member.args)
    return f"{member.name}({args})"


def render_errors(errors):
    if len(errors) == 1 and errors[0][0] == "none":
        reason = errors[0][1]
        return [f"Possible errors: none{f' ({md(reason)})' if reason else ''}.", ""]
    lines = ["Possible errors:", ""]
    for name, reason in errors:
        lines.append(f"- `{name}`" + (f": {md(reason)}" if reason else ""))
    lines.append("")
    return lines


def render_member(member):
    lines = [f"#### {member.name}", "", "```", signature(member), "```", ""]
    for p in member.doc.paragraphs + notes(member):
        lines += [md(p), ""]
    if member.args:
        if member.kind == "signal":
            lines += ["| argument | type | description |", "| --- | --- | --- |"]
            for _, t, n, text in member.args:
                lines.append(f"| `{n}` | `{t}` | {md(text)} |")
        else:
            lines += ["| argument | direction | type | description |", "| --- | --- | --- | --- |"]
            for d, t, n, text in member.args:
                lines.append(f"| `{n}` | {d} | `{t}` | {md(text)} |")
        lines.append("")
    if member.kind == "method":
        lines += render_errors(member.doc.errors)
    return lines


def render_interface(iface, output_dir):
    rel = pathlib.Path(os.path.relpath(iface.source, output_dir)).as_posix()
    lines = [f"## {iface.name}", "", f"*{md(iface.short)}*", ""]
    for p in iface.doc.paragraphs + notes(iface):
        lines += [md(p), ""]
    lines += [f"Defined in [{shown_path(iface.source)}]({rel}).", ""]

    lines += ["### Properties", ""]
    if iface.properties:
        lines += ["| name | type | access | emits PropertiesChanged | description |",
                  "| --- | --- | --- | --- | --- |"]
        for prop in iface.properties:
            text = " ".join(md(p) for p in prop.doc.paragraphs + notes(prop))
            lines.append(f"| `{prop.name}` | `{prop.type}` | {prop.access} | "
                         f"{emits_changed(iface, prop)} | {text} |")
        lines.append("")
    else:
        lines += ["None.", ""]

    lines += ["### Methods", ""]
    for method in iface.methods:
        lines += render_member(method)
    if not iface.methods:
        lines += ["None.", ""]

    lines += ["### Signals", ""]
    for signal in iface.signals:
        lines += render_member(signal)
    if not iface.signals:
        lines += ["None.", ""]
    return lines


def render(interfaces, output):
    sources = ", ".join(f"`{shown_path(i.source)}`" for i in interfaces)
    lines = [
        "<!-- Generated by tools/dbus-doc.py from dbus/*.xml: do not edit. Edit the XML and run",
        "     tools/dbus-doc.py; the 'dbus-api-doc' test fails while this file is out of date. -->",
        "",
        "# The wearbridge D-Bus API",
        "",
        f"wearbridged is on the session bus as `{BUS_NAME}`. This page is generated from the "
        f"introspection XML ({sources}), which is the only definition of the API; the same files "
        "are installed in `/usr/share/dbus-1/interfaces/`. "
        "`busctl --user introspect org.wearbridge /org/wearbridge` shows the live objects.",
        "",
        "Interfaces:",
        "",
    ]
    for iface in interfaces:
        lines.append(f"- [`{iface.name}`](#{anchor(iface.name)}): {md(iface.short)}")
    lines.append("")

    # which methods can return which error
    by_error = {}
    for iface in interfaces:
        for method in iface.methods:
            for name, _ in method.doc.errors:
                if name != "none":
                    by_error.setdefault(name, []).append(f"{short_iface(iface.name)}.{method.name}")
    if by_error:
        lines += ["Errors, and the methods that return them:", "",
                  "| error | returned by |", "| --- | --- |"]
        for name in sorted(by_error):
            lines.append(f"| `{name}` | {', '.join(by_error[name])} |")
        lines.append("")

    for iface in interfaces:
        lines += render_interface(iface, output.parent)
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 with a diff if the output is not current")
    parser.add_argument("--output", type=pathlib.Path, default=DEFAULT_OUTPUT,
                        help="the Markdown file (default: docs/dbus-api.md)")
    parser.add_argument("xml", nargs="*", type=pathlib.Path,
                        help="introspection files (default: dbus/org.wearbridge.*.xml)")
    args = parser.parse_args()

    xml_files = [p.resolve() for p in args.xml] or sorted((ROOT / "dbus").glob("org.wearbridge.*.xml"))
    output = args.output.resolve()
    if not xml_files:
        print("dbus-doc: no XML files", file=sys.stderr)
        return 1
    try:
        interfaces = [iface for path in xml_files for iface in load(path)]
        text = render(interfaces, output)
    except DocError as e:
        print(f"dbus-doc: {e}", file=sys.stderr)
        return 1

    if args.check:
        try:
            current = output.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = ""
        if current == text:
            return 0
        name = shown_path(output)
        sys.stdout.writelines(difflib.unified_diff(
            current.splitlines(keepends=True), text.splitlines(keepends=True),
            fromfile=f"{name} (committed)", tofile=f"{name} (from the XML)"))
        print(f"dbus-doc: {name} is out of date; run tools/dbus-doc.py", file=sys.stderr)
        return 1

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
