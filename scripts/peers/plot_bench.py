"""plotext's side of scripts/bench-plot.sh: the same data and size as scripts/bench/plot_main.swift.

plotext is the UnicodePlots-class terminal plotting library a Python user would reach for.
Prints one JSON object per case: median seconds per build-and-render at 120x40.
"""
import json
import math
import statistics
import time

import plotext as plt


class LCG:
    def __init__(self):
        self.state = 12345

    def next(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return (self.state >> 11) / float(1 << 53)


lcg = LCG()
xs, ys = [], []
for _ in range(100_000):
    x = lcg.next() * 10
    xs.append(x)
    ys.append(math.sin(x) + lcg.next() * 0.5)
lx = [i / 100 for i in range(1000)]
ly = [math.sin(x) for x in lx]


def scatter():
    plt.scatter(xs, ys, marker="braille")


def line():
    plt.plot(lx, ly, marker="braille")


def hist():
    plt.hist(ys, bins=40)


for name, draw, iterations in (("scatter 100k points", scatter, 5), ("line 1k points", line, 50), ("histogram 100k values", hist, 5)):
    for color in ("plain", "256"):
        times = []
        for _ in range(iterations):
            start = time.perf_counter()
            plt.clf()
            plt.plotsize(120, 40)
            plt.title(name)
            if color == "plain":
                plt.theme("clear")
            draw()
            text = plt.build()
            times.append(time.perf_counter() - start)
        print(json.dumps({"case": name, "color": color, "seconds": statistics.median(times), "bytes": len(text.encode())}), flush=True)
