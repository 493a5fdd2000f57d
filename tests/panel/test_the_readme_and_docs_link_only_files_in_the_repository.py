"""The README and `docs/` link only files that a clone has: no `../shared/...`, no link to a moved
section, and the README stays the short read a newcomer needs (the detail lives in `docs/`)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_every_relative_link_names_a_file_in_the_repository():
    broken = []
    for document in DOCUMENTS:
        for target in LINK.findall(document.read_text()):
            if "://" in target:
                continue
            resolved = (document.parent / target).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                broken.append(f"{document.relative_to(ROOT)}: {target}")
    assert broken == []


def test_no_document_points_outside_the_repository():
    outside = [
        f"{document.relative_to(ROOT)}:{number}"
        for document in DOCUMENTS
        for number, line in enumerate(document.read_text().splitlines(), 1)
        if "../shared" in line
    ]
    assert outside == []


def test_the_readme_links_each_document_in_docs():
    readme = (ROOT / "README.md").read_text()
    unlinked = [p.name for p in DOCUMENTS[1:] if f"](docs/{p.name})" not in readme]
    assert unlinked == []
    assert len(readme.splitlines()) < 250
