#!/usr/bin/env python3
"""Writes slices.csv (and, with sqlite3, slices.sqlite): 40 days of 200 timestamped rows in three
regions, whose concept changes on day 20; deterministic (a linear congruential generator)."""
import pathlib, sqlite3, sys

out = pathlib.Path(sys.argv[1])
state = 12345
def u():
    global state
    state = (1103515245 * state + 12345) % 2**31
    return state / 2**31
rows = []
for day in range(40):
    for i in range(200):
        x0, x1 = round(10 * u(), 4), round(10 * u(), 4)
        region = ["north", "south", "east"][int(3 * u()) if u() < 0.9 else 2]
        limit = 9 if day < 20 else 11
        y = "yes" if (x0 + x1 > limit) != (u() < 0.1) else "no"
        s = i * 432
        clock = f"T{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}Z"
        t = (f"2024-03-{1 + day:02d}" if day < 31 else f"2024-04-{day - 30:02d}") + clock
        amount = "" if u() < 0.02 else str(round(100 * u(), 2))
        rows.append((t, x0, x1, amount, region, y))
with open(out / "slices.csv", "w") as f:
    f.write("time,x0,x1,amount,region,churned\n")
    for r in rows:
        f.write(",".join(map(str, r)) + "\n")
db = sqlite3.connect(out / "slices.sqlite")
db.execute("CREATE TABLE events (time TEXT, x0 REAL, x1 REAL, amount REAL, region TEXT, churned TEXT)")
db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)",
               [(t, x0, x1, float(a) if a else None, r, y) for t, x0, x1, a, r, y in rows])
db.commit()
db.close()
