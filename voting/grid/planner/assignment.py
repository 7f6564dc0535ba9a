"""Minimum-cost assignment (the Hungarian method): rooms kept across plans, labels matched."""

from __future__ import annotations


def assignment(cost: list[list[int]]) -> list[int]:
    """Minimum-cost assignment of rows to distinct columns (rows <= columns): the Hungarian
    method with potentials, O(rows^2 x columns). Returns the column of each row."""
    n, m = len(cost), len(cost[0])
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    match = [0] * (m + 1)  # match[column] = row (1-based), 0 = free
    way = [0] * (m + 1)
    for row in range(1, n + 1):
        match[0] = row
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = match[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    c = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if c < minv[j]:
                        minv[j], way[j] = c, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[match[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if match[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
    column = [0] * n
    for j in range(1, m + 1):
        if match[j]:
            column[match[j] - 1] = j - 1
    return column
