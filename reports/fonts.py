"""Prepared fonts: the CJK faces the report PDF uses, cut to the characters it prints.

A full Noto CJK collection holds 65,535 glyphs in 20–26 MB: WeasyPrint parses and copies it
and HarfBuzz subsets it on every render, about half of a warm render's time (issue 12).
`manage.py prepare_fonts` cuts each face the report's font stacks resolve to down to
GB 2312 (the 6,763 hanzi and 682 symbols of GB/T 2312-1980, which cover everyday official
writing) plus ASCII, Latin-1, general and CJK punctuation, full-width forms and every
character of the portal's own data, and writes the subsets under `PREPARED_FONTS_DIR`
(default `var/fonts/`) with a manifest.

`write_pdf(html)` then declares each subset with `@font-face` under its own family
name ("Prepared Noto Serif CJK SC") and lists it in every `font-family` right before the face it
was cut from. A character the subset lacks (祎, 𠀀) falls through to the full face, so the text
of the PDF is the same with or without prepared fonts; only the work to embed it shrinks.
Without prepared fonts (the command never run, a file missing) the stylesheet is unchanged.
"""

import atexit
import hashlib
import json
import re
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

MANIFEST = "manifest.json"
PREFIX = "Prepared "

# The families the report's stylesheets end their stacks with: what a server without the
# GB fonts (仿宋_GB2312, 黑体 …) draws with. Each is prepared in the weights the report uses.
FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC", "LXGW WenKai")
WEIGHTS = {"normal": 400, "bold": 700}

# Besides GB 2312: what Chinese official text mixes in (ASCII, Latin-1, general punctuation,
# CJK symbols and punctuation, full-width forms, enclosed numbers, the ideographic space).
EXTRA_RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x00FF),
    (0x2000, 0x206F),
    (0x2100, 0x214F),
    (0x2150, 0x218F),
    (0x2460, 0x24FF),
    (0x2E80, 0x2E99),
    (0x3000, 0x303F),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
)


@dataclass(frozen=True)
class PreparedFace:
    """One prepared subset: the family it was cut from, its weight, where it is."""

    family: str
    weight: str  # "normal" | "bold"
    path: Path

    @property
    def name(self) -> str:
        return PREFIX + self.family


def fonts_dir() -> Path:
    return Path(getattr(settings, "PREPARED_FONTS_DIR", settings.BASE_DIR / "var" / "fonts"))


def gb2312_characters() -> set[str]:
    """Return the characters of GB 2312 (rows 0xA1–0xF7, cells 0xA1–0xFE), 7,445 of them."""
    found = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                found.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return found


def base_characters() -> set[str]:
    """Return GB 2312 and the extra ranges: what every prepared face covers."""
    chars = gb2312_characters()
    for first, last in EXTRA_RANGES:
        chars.update(chr(code) for code in range(first, last + 1))
    return chars


def data_characters() -> set[str]:
    """Return the characters of the portal's own text: reports, names, the school's name.

    Read from every CharField and TextField of the domain apps' models, one values query per
    model (`iterator()`, so a large table is streamed); a database without the tables yet
    gives none."""
    from django.apps import apps
    from django.db import DatabaseError, models

    from foreign_affairs.roles import DOMAIN_APPS

    chars = set(getattr(settings, "SCHOOL_NAME", ""))
    for model in apps.get_models():
        if model._meta.app_label not in DOMAIN_APPS:
            continue
        names = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
        ]
        if not names:
            continue
        try:
            for row in model._base_manager.values_list(*names).iterator(chunk_size=2000):
                for value in row:
                    if value:
                        chars.update(value)
        except DatabaseError:  # a database not migrated yet: GB 2312 and what was read
            return chars
    return chars


def find_face(family: str, weight: str) -> tuple[Path, int] | None:
    """Return the file and collection index fontconfig has for `family` in `weight`, or None
    when the family is not installed (fontconfig's substitute is not taken)."""
    pattern = f"{family}:weight={'bold' if weight == 'bold' else 'regular'}"
    try:
        result = subprocess.run(
            ["fc-match", "--format=%{family}\n%{file}\n%{index}", pattern],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = result.stdout.split("\n")
    if len(lines) < 3 or family not in lines[0].split(","):
        return None
    return Path(lines[1]), int(lines[2] or 0)


def subset_face(source: Path, index: int, characters: set[str], target: Path) -> None:
    """Write the glyphs of `characters` of one face (OpenType layout features kept)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]  # vertical forms, kerning, locl: as the full face
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = False
    font = TTFont(source, fontNumber=index, lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(char) for char in characters])
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    font.save(partial)
    partial.replace(target)


def prepare(
    *,
    extra: str = "",
    with_data: bool = True,
    log=None,
    base: set[str] | None = None,
    families: tuple[str, ...] | None = None,
) -> list[PreparedFace]:
    """Cut every installed report face to GB 2312 + extras + the data's characters.

    Returns the faces written; a family that is not installed is skipped (reported to `log`).
    Re-running with the same characters and sources rewrites nothing. `base` replaces
    GB 2312 and `families` the report's families (tests cut small subsets fast)."""
    characters = (base_characters() if base is None else set(base)) | set(extra)
    if with_data:
        characters |= data_characters()
    characters = {char for char in characters if char.isprintable() or char == "\u3000"}
    digest = hashlib.sha256("".join(sorted(characters)).encode()).hexdigest()
    directory = fonts_dir()
    previous = _manifest()
    faces, entries = [], []
    for family in FAMILIES if families is None else families:
        for weight in WEIGHTS:
            found = find_face(family, weight)
            if found is None:
                if log:
                    log(f"{family} ({weight}): not installed, skipped")
                continue
            source, index = found
            slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{family}-{weight}").strip("-").lower()
            target = directory / f"{slug}.otf"
            entry = {
                "family": family,
                "weight": weight,
                "file": target.name,
                "source": str(source),
                "index": index,
                "source_size": source.stat().st_size,
                "characters": digest,
            }
            if not (target.exists() and entry in previous.get("faces", [])):
                subset_face(source, index, characters, target)
            if log:
                log(f"{family} ({weight}): {target} ({target.stat().st_size // 1024} KB)")
            entries.append(entry)
            faces.append(PreparedFace(family, weight, target))
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MANIFEST).write_text(
        json.dumps({"faces": entries, "count": len(characters)}, ensure_ascii=False, indent=1)
    )
    _prepared_faces_cache.clear()
    return faces


def _manifest() -> dict:
    try:
        return json.loads((fonts_dir() / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}


_prepared_faces_cache: dict = {}


def prepared_faces() -> list[PreparedFace]:
    """Return the prepared faces whose files exist (read once per manifest change)."""
    path = fonts_dir() / MANIFEST
    try:
        stamp = (str(path), path.stat().st_mtime_ns)
    except OSError:
        return []
    if _prepared_faces_cache.get("stamp") != stamp:
        directory = fonts_dir()
        faces = [
            PreparedFace(entry["family"], entry["weight"], directory / entry["file"])
            for entry in _manifest().get("faces", [])
            if entry.get("weight") in WEIGHTS and entry.get("family") in FAMILIES
        ]
        _prepared_faces_cache.clear()
        _prepared_faces_cache.update(
            stamp=stamp, faces=[face for face in faces if face.path.is_file()]
        )
    return _prepared_faces_cache["faces"]


def _complete(faces: list[PreparedFace]) -> list[PreparedFace]:
    """Return the faces of families prepared in both weights (a missing bold would be faked)."""
    complete = {
        family
        for family in FAMILIES
        if {face.weight for face in faces if face.family == family} == set(WEIGHTS)
    }
    return [face for face in faces if face.family in complete]


def font_face_rules(faces: list[PreparedFace]) -> str:
    return "".join(
        f'@font-face {{ font-family: "{face.name}"; font-weight: {face.weight}; '
        f'src: url("{face.path.resolve().as_uri()}"); }}\n'
        for face in faces
    )


def prepared_stacks(css: str, faces: list[PreparedFace]) -> str:
    """Return `css` with each prepared family listed before the full face it was cut from:
    `"Noto Serif CJK SC"` becomes `"Prepared Noto Serif CJK SC", "Noto Serif CJK SC"`."""
    for family in {face.family for face in faces}:
        css = css.replace(f'"{family}"', f'"{PREFIX}{family}", "{family}"')
    return css


_font_config: dict = {}
_font_config_lock = threading.Lock()
# Dropped before the interpreter tears WeasyPrint's modules down (its __del__ needs them).
atexit.register(_font_config.clear)


def prepared_font_config():
    """Return `(faces, FontConfiguration, CSS)` for WeasyPrint, built once per process.

    Loading a face (`@font-face`) copies the file for fontconfig: done once here, not on
    every render. `(faces, None, None)` with `faces == []` when nothing is prepared."""
    faces = _complete(prepared_faces())
    key = tuple(face.path for face in faces)
    with _font_config_lock:
        if _font_config.get("key") != key:
            config = stylesheet = None
            if faces:
                from weasyprint import CSS
                from weasyprint.text.fonts import FontConfiguration

                config = FontConfiguration()
                stylesheet = CSS(string=font_face_rules(faces), font_config=config)
            _font_config.clear()
            _font_config.update(key=key, value=(faces, config, stylesheet))
        return _font_config["value"]


def write_pdf(html: str) -> bytes:
    """Render a PDF's HTML with the prepared faces first in its font stacks (full faces as
    fallback). Only for WeasyPrint: the faces' `file:` URLs never reach a browser."""
    from weasyprint import HTML

    faces, config, stylesheet = prepared_font_config()
    if not faces:
        return HTML(string=html).write_pdf()
    start = html.find("<style>")
    end = html.find("</style>", start)
    if start >= 0 and end >= 0:
        start += len("<style>")
        html = html[:start] + prepared_stacks(html[start:end], faces) + html[end:]
    return HTML(string=html).write_pdf(stylesheets=[stylesheet], font_config=config)
