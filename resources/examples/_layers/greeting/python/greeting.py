"""Shared code published as the layer "greeting": functions that add the layer import it
from /opt/python, where Lambda puts a layer's python/ folder."""


def greet(name):
    return f"Hello, {name}, from the greeting layer!"
