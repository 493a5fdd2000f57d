"""What docstrings, comments and the README cite as the design and the protocol is in the repository
(`docs/design.md`, `docs/api-v2.md`), so a clone has it: no citation of a file outside the repository."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITED = re.compile(r"(?<![\w.-])((?:[\w.-]+/)*(?:design|api-v2)\.md)")


def _tracked_texts() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / name for name in listed if name.endswith((".py", ".md", ".html", ".txt", ".toml"))]


def test_the_design_and_the_protocol_are_in_docs():
    for name in ("docs/design.md", "docs/api-v2.md"):
        assert (ROOT / name).read_text().startswith("# ")


def test_every_citation_of_them_names_their_path_in_the_repository():
    wrong = []
    for path in _tracked_texts():
        if not path.exists():
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            for cited in CITED.findall(line):
                # A path from the repository's root; in docs/, also a neighbour's bare name (a link).
                bases = {ROOT, path.parent} if path.parent == ROOT / "docs" else {ROOT}
                if not any((base / cited).exists() for base in bases):
                    wrong.append(f"{path.relative_to(ROOT)}:{number}: {cited}")
    assert wrong == []
