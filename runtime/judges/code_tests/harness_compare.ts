/**
 * The judge process's comparisons: every ==, !=, in, not in and ordering in the tests is
 * rewritten to compare builtin values structurally, and unittest's equality assertions go
 * through the same function. Assembled in harness.ts.
 */
export const COMPARE_SOURCE = String.raw`

_PLAIN = frozenset((bool, int, float, complex, str, bytes, type(None)))
_TRUSTED = (("fractions", "Fraction"), ("decimal", "Decimal"), ("datetime", "date"),
            ("datetime", "datetime"), ("datetime", "time"), ("datetime", "timedelta"))
_MISSING = object()
_SCALARS = ((int, int.__int__), (float, float.__float__), (complex, complex.__complex__),
            (str, str.__str__), (bytes, lambda v: bytes(memoryview(v))))
_COLLECTIONS = ((list, list), (tuple, tuple), (set, set), (frozenset, frozenset))


def _trusted(kind):
    # Standard-library value types compare by value; a program can only hold one if it
    # imported the module, so look there instead of importing it on every run.
    for module, name in _TRUSTED:
        if module in sys.modules and kind is getattr(sys.modules[module], name, None):
            return True
    return False


def _canon(value, depth=0):
    # A builtin value rebuilt through the builtin types' own methods, so overridden __eq__,
    # __iter__ or __str__ of a subclass take no part; _MISSING for anything else.
    kind = type(value)
    if kind in _PLAIN:
        return value
    if depth > 50:
        return _MISSING
    if (kind is list or kind is tuple) and all(type(item) in _PLAIN for item in value):
        return value  # the common case, e.g. a long list of ints, without recursion
    for base, rebuild in _SCALARS:
        if isinstance(value, base):
            return rebuild(value)
    if _trusted(kind):
        return value
    # Numeric types registered with the numbers ABCs (numpy's scalars) compare as numbers.
    if isinstance(value, numbers.Integral):
        return int(value.__index__())
    if isinstance(value, numbers.Real):
        return float(value)
    if kind.__name__ == "bool_" and kind.__module__ == "numpy":
        return bool(value)
    for base, rebuild in _COLLECTIONS:
        if isinstance(value, base):
            items = [_canon(item, depth + 1) for item in base.__iter__(value)]
            return _MISSING if any(item is _MISSING for item in items) else rebuild(items)
    if isinstance(value, dict):
        pairs = [(_canon(k, depth + 1), _canon(v, depth + 1)) for k, v in dict.items(value)]
        return _MISSING if any(k is _MISSING or v is _MISSING for k, v in pairs) else dict(pairs)
    return _MISSING


_FAILED_EQ = []


def _eq(left, right):
    a, b = _canon(left), _canon(right)
    if a is _MISSING and b is _MISSING:
        same = left == right
    else:
        same = a is not _MISSING and b is not _MISSING and a == b
    _FAILED_EQ[:] = [] if same else [left, right]
    return same


def _failed_eq():
    # "got X, expected Y" for the report; reprlib bounds the text, imported only on failure.
    if not _FAILED_EQ:
        return ""
    return "left: %s; right: %s" % (_short(_FAILED_EQ[0]), _short(_FAILED_EQ[1]))


def _ordered(compare):
    # An ordering of builtin values compares their rebuilt forms, so an object whose __le__
    # and __ge__ always answer True cannot pass 3 <= f(x) <= 3; two foreign values compare
    # as written, a foreign value against a builtin one is never in order.
    def check(left, right):
        a, b = _canon(left), _canon(right)
        if a is _MISSING and b is _MISSING:
            return compare(left, right)
        return a is not _MISSING and b is not _MISSING and compare(a, b)
    return check


_COMPARE_OPS = {
    "Eq": _eq,
    "NotEq": lambda a, b: not _eq(a, b),
    "In": lambda a, b: _in(a, b),
    "NotIn": lambda a, b: not _in(a, b),
    "Lt": _ordered(lambda a, b: a < b),
    "LtE": _ordered(lambda a, b: a <= b),
    "Gt": _ordered(lambda a, b: a > b),
    "GtE": _ordered(lambda a, b: a >= b),
    "Is": lambda a, b: a is b,
    "IsNot": lambda a, b: a is not b,
}
_HARDENED_OPS = frozenset(("Eq", "NotEq", "In", "NotIn", "Lt", "LtE", "Gt", "GtE"))


def _in(item, container):
    # Membership through _eq: a builtin container holds only builtin values, which an
    # unknown object is never equal to; anything else is iterated and compared with _eq.
    a, b = _canon(item), _canon(container)
    if b is not _MISSING:
        return a is not _MISSING and a in b
    if type(container) is range and type(a) is int:
        return a in container
    for element in container:
        if _eq(item, element):
            return True
    return False


def _compare(left, *pairs):
    # A comparison chain evaluated as Python does: each operand once, left to right,
    # stopping at the first false link (later operands arrive as thunks).
    for op, right in pairs:
        right = right()
        if not _COMPARE_OPS[op](left, right):
            return False
        left = right
    return True


def _located(new, old):
    for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
        setattr(new, attr, getattr(old, attr, None))
    return new


def _thunk(expr):
    args = _ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
    return _located(_ast.Lambda(args=args, body=expr), expr)


def _hardened_compare(test):
    # a == b  ->  __align_compare__(a, ("Eq", lambda: b)), for ==, !=, in and not in anywhere
    # in a chain; chains keep their short-circuit through the thunks.
    pairs = [_located(_ast.Tuple(elts=[_located(_ast.Constant(value=type(op).__name__), test), _thunk(right)], ctx=_ast.Load()), test)
             for op, right in zip(test.ops, test.comparators)]
    func = _located(_ast.Name(id="__align_compare__", ctx=_ast.Load()), test)
    return _located(_ast.Call(func=func, args=[test.left] + pairs, keywords=[]), test)


def _harden(node):
    # Rewrite every comparison in the tests (asserts, compound conditions, helper functions)
    # whose chain has ==, !=, in, not in or an ordering, so that no operand's own operator
    # decides it.
    for field in node._fields:
        value = getattr(node, field, None)
        if isinstance(value, list):
            value[:] = [_harden(child) if isinstance(child, _ast.AST) else child for child in value]
        elif isinstance(value, _ast.AST):
            setattr(node, field, _harden(value))
    if isinstance(node, _ast.Compare) and any(type(op).__name__ in _HARDENED_OPS for op in node.ops):
        return _hardened_compare(node)
    return node


def _short(value):
    import reprlib
    short = reprlib.Repr()
    short.maxstring = short.maxother = 120
    try:
        return short.repr(value)
    except BaseException:
        return "<unprintable>"


def _canon_pair(first, second):
    # Both canonical (compare the rebuilt builtins), both foreign (as written), else None.
    a, b = _canon(first), _canon(second)
    if a is _MISSING and b is _MISSING:
        return first, second
    if a is _MISSING or b is _MISSING:
        return None
    return a, b


def _unittest_methods(original):
    def equal(self, first, second, msg=None, *rest, **kwargs):
        if not _eq(first, second):
            raise self.failureException(msg or "%s != %s" % (_short(first), _short(second)))

    def not_equal(self, first, second, msg=None):
        if _eq(first, second):
            raise self.failureException(msg or "%s == %s" % (_short(first), _short(second)))

    def member(self, item, container, msg=None):
        if not _in(item, container):
            raise self.failureException(msg or "%s not found in %s" % (_short(item), _short(container)))

    def not_member(self, item, container, msg=None):
        if _in(item, container):
            raise self.failureException(msg or "%s unexpectedly found in %s" % (_short(item), _short(container)))

    def through_canon(name):
        def method(self, first, second, *args, **kwargs):
            pair = _canon_pair(first, second)
            if pair is None:
                raise self.failureException("%s: %s and %s are not comparable values" % (name, _short(first), _short(second)))
            return original[name](self, pair[0], pair[1], *args, **kwargs)
        return method

    methods = {name: equal for name in ("assertEqual", "assertEquals", "assertListEqual", "assertTupleEqual",
                                        "assertDictEqual", "assertSetEqual", "assertSequenceEqual", "assertMultiLineEqual")}
    methods.update(assertNotEqual=not_equal, assertNotEquals=not_equal, assertIn=member, assertNotIn=not_member)
    for name in ("assertAlmostEqual", "assertNotAlmostEqual", "assertCountEqual"):
        methods[name] = through_canon(name)
    return {name: method for name, method in methods.items() if name in original}


`;
