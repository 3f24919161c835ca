"""Loaders that misbehave, importable by the isolated worker process."""

import time


def hanging_loader(path):
    time.sleep(60)


def crashing_loader(path):
    raise ValueError(f"parser bug on {path.name}")
