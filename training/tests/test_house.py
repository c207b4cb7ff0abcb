"""House rules for the training package, kept by a test: no module over 400 lines, no function over 80 lines, and no
function taking more than three arguments by position (self and cls not counted); options past
the third are keyword-only (`def f(a, b, c, *, d)`)."""
import ast
import os

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "vertxnet_train")
MAX_LINES = 80
MAX_MODULE_LINES = 400
MAX_POSITIONAL = 3


def functions():
    """(path relative to the package, line, qualified name, node) of every function and method."""
    for folder, _, files in os.walk(PACKAGE):
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as fh:
                tree = ast.parse(fh.read(), path)
            yield from _walk(tree, os.path.relpath(path, PACKAGE), "")


def _walk(node, rel, prefix):
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield rel, child.lineno, prefix + child.name, child
            yield from _walk(child, rel, prefix + child.name + ".")
        elif isinstance(child, ast.ClassDef):
            yield from _walk(child, rel, prefix + child.name + ".")
        else:
            yield from _walk(child, rel, prefix)


def positional(fn) -> list:
    names = [a.arg for a in fn.args.posonlyargs + fn.args.args]
    return [n for n in names if n not in ("self", "cls")] + (["*" + fn.args.vararg.arg] if fn.args.vararg else [])


def test_the_walk_finds_the_package():
    found = {name for _, _, name, _ in functions()}
    assert {"main", "export_with_view", "Session.progress", "fit_head"} <= found


def test_no_function_is_over_80_lines():
    long = ["%s:%d %s is %d lines" % (rel, line, name, fn.end_lineno - fn.lineno + 1)
            for rel, line, name, fn in functions() if fn.end_lineno - fn.lineno + 1 > MAX_LINES]
    assert not long, "split these into named steps:\n" + "\n".join(long)


def test_no_function_takes_more_than_three_arguments_by_position():
    wide = ["%s:%d %s(%s)" % (rel, line, name, ", ".join(positional(fn)))
            for rel, line, name, fn in functions() if len(positional(fn)) > MAX_POSITIONAL]
    assert not wide, "make the arguments past the third keyword-only (`*,`):\n" + "\n".join(wide)


def test_no_module_is_over_400_lines():
    long = []
    for folder, _, files in os.walk(PACKAGE):
        for name in sorted(f for f in files if f.endswith(".py")):
            with open(os.path.join(folder, name), encoding="utf-8") as fh:
                count = sum(1 for _ in fh)
            if count > MAX_MODULE_LINES:
                long.append("%s is %d lines" % (os.path.relpath(os.path.join(folder, name), PACKAGE), count))
    assert not long, "split these modules:\n" + "\n".join(long)
