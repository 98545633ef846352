"""Every environment variable the settings read is in the README's configuration table."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ = re.compile(r'(?:env_(?:int|float|bool|list)\(|os\.environ\.get\(|os\.environ\[)'
                  r'"([A-Z][A-Z0-9_]+)"')


def test_every_variable_the_settings_read_is_in_the_readme_table():
    read = {name for path in (ROOT / "config" / "settings").glob("*.py")
            for name in READ.findall(path.read_text())}
    table = "\n".join(line for line in (ROOT / "README.md").read_text().splitlines()
                      if line.startswith("| `"))
    assert len(read) > 50  # the pattern still finds them
    assert not {name for name in read if f"`{name}`" not in table}
