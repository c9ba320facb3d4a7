/**
 * The harness's runner: the process forked from the judge process that runs the solution and
 * answers the judge's requests (start, names, calls, attributes, stdio cases). It holds no
 * secret: it is forked before the judge reads the tests or the nonce. What it sends is data:
 * builtin values rebuilt through the builtin types' own methods, and handles for anything
 * else. Assembled in harness.ts.
 */
export const RUNNER_SOURCE = String.raw`

# ---- The runner: the forked process that runs the solution. Everything it sends is data.

_ATOMS = frozenset((int, float, str, bool, type(None)))
_CONTAINERS = ((list, "l"), (tuple, "t"), (set, "s"), (frozenset, "S"))


class _Objects:
    # Values of the solution the judge holds only by handle (functions, classes, instances).
    def __init__(self):
        self.items = []

    def ref(self, value):
        self.items.append(value)
        return ["r", len(self.items) - 1, _text(type(value).__name__), callable(value)]

    def get(self, handle):
        return self.items[handle]


def _wire_number(value):
    # Subclasses and numbers registered with the numbers ABCs (numpy's scalars) as the
    # builtin number they are; None when the value is not such a number.
    for base, rebuild in ((bool, bool), (int, int.__int__), (float, float.__float__)):
        if isinstance(value, base):
            return rebuild(value)
    if isinstance(value, numbers.Integral):
        return int(value.__index__())
    if isinstance(value, numbers.Real) and type(value).__module__ == "numpy":
        return float(value)
    if type(value).__name__ == "bool_" and type(value).__module__ == "numpy":
        return bool(value)
    return None


def _wire(value, objects, depth=0):
    # Builtin values are rebuilt through the builtin types' own methods, so an overridden
    # __eq__, __iter__ or __str__ of a subclass takes no part in what the judge compares.
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is list and all(type(item) in _ATOMS for item in value):
        return ["l"] + value
    if depth > 200:
        return objects.ref(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (bytes, bytearray)):
        return ["b" if isinstance(value, bytes) else "B", bytes(memoryview(value)).decode("latin-1")]
    if isinstance(value, complex):
        return ["c", complex.__complex__(value).real, complex.__complex__(value).imag]
    number = _wire_number(value)
    if number is not None:
        return number
    module = kind.__module__
    if module == "fractions" and kind.__name__ == "Fraction":
        return ["q", int(value.numerator), int(value.denominator)]
    if module == "decimal" and kind.__name__ == "Decimal":
        return ["D", str(value)]
    for base, tag in _CONTAINERS:
        if isinstance(value, base):
            return [tag] + [_wire(item, objects, depth + 1) for item in base.__iter__(value)]
    if isinstance(value, dict):
        out = ["d"]
        for key, item in dict.items(value):
            out.append(_wire(key, objects, depth + 1))
            out.append(_wire(item, objects, depth + 1))
        return out
    return objects.ref(value)


def _unwire_runner(value, objects):
    # The judge's values, as the solution receives them (handles back to the objects).
    if type(value) is not list:
        return value
    tag, items = value[0], value[1:]
    if tag == "r":
        return objects.get(items[0])
    if tag == "m":
        return sys.modules.get(items[0])
    items = [_unwire_runner(item, objects) for item in items] if tag in "ltsSd" else items
    if tag == "l":
        return items
    if tag == "t":
        return tuple(items)
    if tag == "s":
        return set(items)
    if tag == "S":
        return frozenset(items)
    if tag == "d":
        return dict(zip(items[0::2], items[1::2]))
    return _unwire_scalar(tag, items)


def _unwire_scalar(tag, items):
    if tag == "b":
        return items[0].encode("latin-1")
    if tag == "B":
        return bytearray(items[0].encode("latin-1"))
    if tag == "c":
        return complex(items[0], items[1])
    if tag == "q":
        from fractions import Fraction
        return Fraction(items[0], items[1])
    if tag == "D":
        from decimal import Decimal
        return Decimal(items[0])
    raise _Broken("unknown tag %r" % (tag,))


def _raised(error):
    found = _where(error.__traceback__, ("solution.py",))
    return ["raise", _text(type(error).__name__), _text(error), _line(found)]


class _Runner:
    def __init__(self, channel):
        self.channel = channel
        self.objects = _Objects()
        self.ns = None
        self.code = None
        self.real_out = None
        self.entry_fn = None

    def compile(self):
        # solution.py is written by the judge process once its job arrived, before "start".
        with open("solution.py", encoding="utf-8", errors="replace") as handle:
            source = handle.read()
        _SOURCES["solution.py"] = source
        try:
            self.code = compile(source, "solution.py", "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as error:
            lineno = getattr(error, "lineno", None)
            return ["syntax", _text(getattr(error, "msg", error)), _line(("solution.py", lineno)) if lineno else ""]
        return None

    def start(self, kind, wanted):
        # Runs the solution, then answers with what the tests need: the names they use
        # (asserts, check) or the APPS entry point (call). Stdio cases run it per case.
        syntax = self.compile()
        if syntax is not None:
            return syntax
        if kind == "stdio":
            self.real_out = os.dup(1)  # before the solution can close fd 0 and make dup return 0
            return ["ok", None]
        module = type(sys)("solution")
        sys.modules["solution"] = module
        self.ns = module.__dict__
        exec(self.code, self.ns)
        return self.entry(wanted) if kind == "call" else self.names(wanted)

    def names(self, wanted):
        out = ["d"]
        for name in wanted:
            if name in self.ns:
                value = self.ns[name]
                out.append(name)
                out.append(["m", value.__name__] if type(value) is type(sys) else _wire(value, self.objects))
        return ["ok", out]

    def entry(self, name):
        fn = self.ns.get(name)
        if not callable(fn) and isinstance(self.ns.get("Solution"), type):
            fn = getattr(self.ns["Solution"](), name, None)
        self.entry_fn = fn
        return ["ok", self.objects.ref(fn) if callable(fn) else None]

    def call(self, handle, args, kwargs):
        args = _unwire_runner(args, self.objects)
        kwargs = _unwire_runner(kwargs, self.objects)
        mutable = [(i, _json_text(_wire(arg, self.objects))) for i, arg in enumerate(args) if type(arg) in (list, dict, set)]
        result = _wire(self.objects.get(handle)(*args, **kwargs), self.objects)
        changed = ["l"]
        for i, before in mutable:
            after = _wire(args[i], self.objects)
            if _json_text(after) != before:
                changed += [i, after]
        return ["ok", result, changed]

    def apply(self, op, handle, *rest):
        target = self.objects.get(handle)
        rest = [_unwire_runner(item, self.objects) for item in rest]
        if op == "getattr":
            value = getattr(target, rest[0])
        elif op == "setattr":
            value = setattr(target, rest[0], rest[1])
        elif op == "getitem":
            value = target[rest[0]]
        elif op == "setitem":
            target[rest[0]] = rest[1]
            value = None
        elif op == "iter":
            return ["ok", self.objects.ref(iter(target))]
        elif op == "next":
            value = next(target)
        elif op == "len":
            value = len(target)
        elif op == "bool":
            value = bool(target)
        elif op == "str":
            value = str(target)
        elif op == "hash":
            value = hash(target)
        else:
            value = _RICH[op](target, rest[0])
        return ["ok", _wire(value, self.objects)]

    def stdio(self, text, index):
        with open(".case_in", "w", encoding="utf-8") as handle:
            handle.write(text)
        _redirect(0, ".case_in", os.O_RDONLY)
        _redirect(1, ".case_out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        sys.stdin = open(0, "r", encoding="utf-8", closefd=False)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
        try:
            exec(self.code, {"__name__": "__main__", "__builtins__": builtins})
        except SystemExit as error:
            if error.code not in (None, 0):
                return ["exit", _text("SystemExit(%r) on case %d" % (error.code, index))]
        finally:
            try:
                sys.stdout.flush()
            except BaseException:
                pass
            os.dup2(self.real_out, 1)
            sys.stdin, sys.stdout = sys.__stdin__, sys.__stdout__
        with open(".case_out", encoding="utf-8", errors="replace") as handle:
            return ["ok", handle.read()]

    def answer(self, message):
        op = message[0]
        try:
            if op == "start":
                reply = self.start(message[1], message[2])
            elif op == "call":
                reply = self.call(message[1], message[2], message[3])
            elif op == "stdio":
                reply = self.stdio(message[1], message[2])
            else:
                reply = self.apply(*message)
        except SystemExit as error:
            reply = ["exit", _text("SystemExit(%r) during the %s" % (error.code, "solution" if op == "start" else "tests"))]
        except BaseException as error:
            reply = _raised(error)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        return reply

    def ahead(self, items):
        # The calls the judge will make first, in its order, answered without waiting for
        # each request (a round trip between two processes costs a wait for a CPU); a call
        # whose target is not a function of the solution stops it.
        for op, target, *rest in items:
            if op == "call":
                fn = self.entry_fn if target is None else self.ns.get(target)
                if not callable(fn) or type(fn) is type(sys):
                    self.channel.send(["stop"])
                    return
                target = self.objects.ref(fn)[1]
            self.channel.send(["spec", self.answer([op, target] + rest)])

    def serve(self):
        while True:
            message = self.channel.receive()
            reply = self.answer(message)
            self.channel.send(reply)
            if message[0] == "start" and reply[0] == "ok" and len(message) > 3:
                self.ahead(message[3])


_RICH = {"eq": lambda a, b: a == b, "lt": lambda a, b: a < b, "le": lambda a, b: a <= b,
         "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b}


def _redirect(fd, path, flags):
    # The solution may have closed fd 0 or 1 (open(0) closes it when collected), in which
    # case os.open hands out that very number.
    new = os.open(path, flags, 0o600)
    if new != fd:
        os.dup2(new, fd)
        os.close(new)


def _run_runner(read_fd, write_fd):
    # fd 3 stays open, on /dev/null: a write to it succeeds and reaches no one.
    _redirect(_REPORT_FD, os.devnull, os.O_WRONLY)
    try:
        _Runner(_Channel(read_fd, write_fd)).serve()
    finally:
        _exit(0)
`;
