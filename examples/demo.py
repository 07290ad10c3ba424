"""Parse the bundled example, print a summary and prove the exact round trip."""

import sys
from pathlib import Path

import newsfmt

path = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("2016-04-20-nato-russia-talks.md"))
entry = newsfmt.read(path)
print(f"{path.name}: newsfmt {newsfmt.__version__}")
print(f"  date      {entry.date.isoformat()}  (day page {entry.day_path})")
print(f"  headline  {entry.headline[:70]}...")
print(f"  body      {len(entry.body)} characters")
print(f"  sources   {len(entry.sources)}: {', '.join(source.name for source in entry.sources)}")
dates = sorted(related.date for related in entry.related)
print(f"  related   {len(entry.related)}, dated {dates[0]} to {dates[-1]}")
text = path.read_bytes().decode("utf-8")  # as read() does: no newline translation
same = newsfmt.serialize(entry) == text
print(f"  round trip: serialize(parse(text)) == text is {same}")
sys.exit(0 if same else 1)
