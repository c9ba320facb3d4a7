/**
 * The Python harness that runs inside the sandbox, in two processes.
 *
 * The judge process (this file's part, with harness_judge.ts and harness_compare.ts) holds the
 * job the host writes on stdin (the tests, the solution, the nonce) and fd 3, the report
 * channel. Before it reads any of it it forks the runner (harness_runner.ts), which runs the solution and answers the
 * judge's requests over two pipes; then it makes itself non-dumpable, so the runner (same
 * uid, no capabilities) cannot open its /proc/<pid>/mem or /proc/<pid>/fd or ptrace it. The
 * tests run here, against the solution's values as builtin data and its objects as handles:
 * nothing the solution does in its own interpreter (calling the harness's functions, patching
 * builtins, trace hooks, gc, frames) reaches the process that decides and reports. Why a
 * harness at all, and what it does not protect: docs/judges/code_tests.md.
 *
 * Kept as strings so the runtime ships it without copying data files into the bundle.
 * Python 3.8+; standard library only (_ctypes for prctl).
 */
import { COMPARE_SOURCE } from "./harness_compare.js";
import { JUDGE_SOURCE } from "./harness_judge.js";
import { RUNNER_SOURCE } from "./harness_runner.js";
import { WIRE_SOURCE } from "./harness_wire.js";

export const HARNESS_FILE = "harness.py";
/** Processes of the harness besides the solution's own: the judge process. */
export const HARNESS_PROCESSES = 1;

const MAIN_SOURCE = String.raw`

def _exception(phase, error):
    # The solution's own exception names where in the solution it was raised.
    solution = getattr(error, "_align_solution", None)
    name, where = solution if solution is not None else (_text(type(error).__name__), _line(_where(error.__traceback__)))
    _finish("exception", 1, type=name, message=_text(error), phase=phase, where=where)


def _guard(phase, run):
    try:
        run()
    except _Broken as error:
        _runner_gone(phase, error)
    except SystemExit as error:
        _finish("exited_early", 1, message=_text("SystemExit(%r) during the %s" % (error.code, phase)))
    except AssertionError as error:
        found = _where(error.__traceback__)
        if getattr(error, "_align_solution", None) is None and found is not None and found[0] == "tests.py":
            _finish("assertion_failed", 1, where=_line(found), message=_text(error), values=_failed_eq())
        _exception(phase, error)
    except BaseException as error:
        _exception(phase, error)


def _harden_unittest():
    # unittest's own assertions compare with ==; route the equality ones through _eq.
    import unittest.case
    case = unittest.case.TestCase
    for name, method in _unittest_methods(dict(vars(case))).items():
        setattr(case, name, method)


def _compile(source, filename, outcome):
    # The tests' code (comparisons hardened) and their tree as written.
    _SOURCES[filename] = source
    try:
        tree = compile(source, filename, "exec", _ast.PyCF_ONLY_AST, dont_inherit=True)
        written = compile(source, filename, "exec", _ast.PyCF_ONLY_AST, dont_inherit=True)
        return compile(_harden(tree), filename, "exec", dont_inherit=True), written
    except (SyntaxError, ValueError) as error:
        lineno = getattr(error, "lineno", None)
        _finish(outcome, 1, message=_text(getattr(error, "msg", error)), where=_line((filename, lineno)) if lineno else "")


def _names(code):
    # Every name the tests' code reads or binds, nested functions and classes included.
    found = set(code.co_names)
    for const in code.co_consts:
        if type(const) is type(code):
            found |= _names(const)
    return found


def _import(name):
    # A module the solution imported, imported here afresh (the runner's copy may be
    # patched). Never from the work dir: it is not on this process's path.
    try:
        __import__(name)
        return sys.modules[name]
    except BaseException:
        return None


def _literal(node):
    if isinstance(node, _ast.Constant):
        return True
    if isinstance(node, _ast.UnaryOp) and isinstance(node.op, (_ast.USub, _ast.UAdd)):
        return isinstance(node.operand, _ast.Constant)
    if isinstance(node, (_ast.List, _ast.Tuple, _ast.Set)):
        return all(_literal(item) for item in node.elts)
    if isinstance(node, _ast.Dict):
        return all(key is not None and _literal(key) for key in node.keys) and all(_literal(value) for value in node.values)
    return False


def _value(node):
    return eval(compile(_ast.Expression(body=node), "tests.py", "eval"), {"__builtins__": {}})


def _first_call(test, alias, wanted):
    # The call an assert evaluates first, whatever it answers: f(...) in assert f(...),
    # assert not f(...) and assert f(...) <op> <literal>, with literal arguments.
    if isinstance(test, _ast.UnaryOp) and isinstance(test.op, _ast.Not):
        test = test.operand
    if isinstance(test, _ast.Compare) and len(test.ops) == 1 and _literal(test.comparators[0]):
        test = test.left
    if not (isinstance(test, _ast.Call) and isinstance(test.func, _ast.Name)):
        return None
    name = alias.get(test.func.id, test.func.id)
    if name not in wanted or not all(_literal(arg) for arg in test.args):
        return None
    if not all(k.arg is not None and _literal(k.value) for k in test.keywords):
        return None
    args = [_value(arg) for arg in test.args]
    kwargs = {k.arg: _value(k.value) for k in test.keywords}
    return name, [_unwire_args(args), _to_wire(kwargs)]


def _calls_ahead(tree, spec, wanted):
    # The calls in the straight-line prefix of the tests (of check's body for HumanEval):
    # each runs exactly when the tests reach it unless an earlier assert failed, which ends
    # the run. The runner makes them without waiting for each request.
    body, alias = tree.body, {}
    if spec["kind"] == "check":
        check = [node for node in tree.body if isinstance(node, _ast.FunctionDef) and node.name == "check"]
        if not check or not check[-1].args.args:
            return []
        body, alias = check[-1].body, {check[-1].args.args[0].arg: spec["entry_point"]}
    calls = []
    for node in body:
        if isinstance(node, (_ast.Import, _ast.ImportFrom)) or (isinstance(node, _ast.Expr) and isinstance(node.value, _ast.Constant)):
            continue
        call = _first_call(node.test, alias, wanted) if isinstance(node, _ast.Assert) else None
        if call is None or len(calls) == 256:
            break
        calls.append(call)
    return calls


def _wanted(tests, spec):
    # The names the tests use that the solution may define; a builtin keeps Python's builtin.
    names = _names(tests) | ({spec["entry_point"]} if spec["kind"] == "check" else set())
    return sorted(name for name in names if not hasattr(builtins, name))


def _namespace(found, wanted):
    # The tests' globals: the solution's values for the names the tests use, as builtin
    # values and handles; a module it imported, imported here afresh.
    if type(found) is not list or found[:1] != ["d"]:
        raise _Broken("malformed names")
    ns = {"__name__": "solution", "__builtins__": builtins}
    pairs = found[1:]
    for name, value in zip(pairs[0::2], pairs[1::2]):
        if type(name) is not str or name not in wanted:
            raise _Broken("unrequested name")
        if type(value) is list and value[:1] == ["m"] and len(value) == 2 and type(value[1]) is str:
            module = _import(value[1])
            if module is not None:
                ns[name] = module
        else:
            ns[name] = _unwire(value)
            if type(ns[name]) is _Remote:
                _NAME_OF[ns[name]._handle] = name
    return ns


def _run_asserts(spec, tests, found, wanted):
    box = {}
    _guard("solution", lambda: box.__setitem__("ns", _namespace(found, wanted)))
    ns = box["ns"]
    candidate = ns.get(spec["entry_point"]) if spec["kind"] == "check" else None
    if spec["kind"] == "check" and not (type(candidate) is _Remote and candidate._callable):
        _finish("missing_entry_point", 1, message="the solution does not define %s" % spec["entry_point"])
    ns["__align_compare__"] = _compare
    _guard("tests", lambda: exec(tests, ns))
    if spec["kind"] == "check":
        check = ns.get("check")
        _guard("tests", lambda: check(candidate))


def _run_stdio(spec):
    for index, case in enumerate(spec["cases"]):
        box = {}
        _guard("case %d" % index, lambda: box.__setitem__("got", (_answered_ahead(("stdio", index)) or _request("stdio", case["input"], index))[1]))
        got = box["got"]
        if type(got) is not str:
            _runner_gone("case %d" % index, "the output is not text")
        if got.split() != case["output"].split():
            _finish("wrong_output", 1, case=index, expected=_text(case["output"]), got=_text(got))


def _call_args(case):
    return case["args"] if isinstance(case["args"], list) else [case["args"]]


def _run_call(spec, found):
    name, box = spec["fn_name"], {}
    _guard("solution", lambda: box.__setitem__("fn", _unwire(found)))
    fn = box["fn"]
    if type(fn) is not _Remote:
        _finish("missing_entry_point", 1, message="the solution does not define %s" % name)
    _NAME_OF[fn._handle] = None
    for index, case in enumerate(spec["cases"]):
        args = _call_args(case)
        _guard("case %d" % index, lambda: box.__setitem__("got", fn(*args)))
        if not _same_value(box["got"], case["output"]):
            _finish("wrong_output", 1, case=index, expected=_text(repr(case["output"])), got=_text(repr(box["got"])))
def _json_key(key):
    if type(key) is str:
        return key
    return {True: "true", False: "false", None: "null"}[key] if key is True or key is False or key is None else str(key)


def _jsonish(value):
    # What the value would be after a JSON round trip, the form the expected outputs are in.
    if isinstance(value, (list, tuple)):
        return [_jsonish(item) for item in value]
    if isinstance(value, dict):
        return {_json_key(k): _jsonish(v) for k, v in value.items()}
    return value


def _same_value(got, expected):
    value = _canon(got)
    if value is _MISSING:
        return False
    value = _jsonish(value)
    return value == expected or (isinstance(expected, list) and len(expected) == 1 and value == expected[0])




def _read_exactly(fd, size):
    chunks = []
    while size > 0:
        chunk = _read(fd, min(size, 1 << 16))
        if not chunk:
            raise EOFError("the job ended early")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _load_job(fd):
    # The host's job on stdin: "<spec bytes> <solution bytes>\n", the tests as JSON, the
    # solution, then the nonce, which stays in the pipe until the report. Read only after the
    # runner was forked and this process sealed, so the runner never holds the tests.
    header = b""
    while not header.endswith(b"\n"):
        byte = _read(fd, 1)
        if not byte or len(header) > 64:
            raise EOFError("no job header")
        header += byte
    spec_size, solution_size = (int(part) for part in header.split())
    spec = _read_exactly(fd, spec_size).decode("utf-8")
    solution = _read_exactly(fd, solution_size)
    # JSON is a Python expression once true, false and null are names (saves importing json).
    return eval(spec, {"__builtins__": {}, "true": True, "false": False, "null": None}), solution


def _main():
    # argv[1]: the backstop in seconds; argv[2]: how long it may wait for its job first (a
    # sandbox started ahead of need). The solution sees only argv[0], as before.
    backstop = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    waiting = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    del sys.argv[1:]
    pid, channel = _fork_runner(_NONCE_FD[0])
    _RUNNER.append(pid)
    _CHANNEL.append(channel)
    _seal(backstop + waiting if backstop > 0 else 0)
    # The work dir, where the solution writes, is never on the judge's import path.
    here = os.getcwd()
    sys.path[:] = [p for p in sys.path if p not in ("", ".", here)]
    try:
        spec, solution = _load_job(_NONCE_FD[0])
    except BaseException as error:
        _finish("harness_error", 1, message=_text("no job on stdin (%s: %s)" % (type(error).__name__, error)))
    if backstop > 0:
        import _signal
        _signal.alarm(backstop)  # the run's own clock starts with its job
    with open("solution.py", "wb") as handle:
        handle.write(solution)
    # Everything that can fail for the dataset's sake is checked before untrusted code runs.
    compiled = _compile(spec["source"], "tests.py", "invalid_tests") if spec["kind"] in ("asserts", "check") else None
    tests = compiled[0] if compiled is not None else None
    if tests is not None:
        wanted = _wanted(tests, spec)
        ahead = _calls_ahead(compiled[1], spec, wanted)
        _AHEAD[:] = [(name, _json_text(wired)) for name, wired in ahead]
        items = [["call", name] + wired for name, wired in ahead]
        if "unittest" in spec["source"]:
            _harden_unittest()
    elif spec["kind"] == "stdio":
        wanted = None
        _AHEAD[:] = [("stdio", index) for index in range(len(spec["cases"]))]
        items = [["stdio", case["input"], index] for index, case in enumerate(spec["cases"])]
    else:
        wanted = spec["fn_name"]
        wired = [[_unwire_args(_call_args(case)), ["d"]] for case in spec["cases"]]
        _AHEAD[:] = [(None, _json_text(each)) for each in wired]
        items = [["call", None] + each for each in wired]
    box = {}
    _guard("solution", lambda: box.__setitem__("start", _request("start", spec["kind"], wanted, items)))
    start = box["start"]
    if start[0] == "syntax":
        _finish("syntax_error", 1, message=_text(start[1]), where=_text(start[2]))
    if tests is not None:
        _run_asserts(spec, tests, start[1], wanted)
    elif spec["kind"] == "stdio":
        _run_stdio(spec)
    else:
        _run_call(spec, start[1])
    _finish("passed", 0)


_NONCE_FD = [_stash_nonce()]
_main()
`;

export const HARNESS_SOURCE = [WIRE_SOURCE, RUNNER_SOURCE, JUDGE_SOURCE, COMPARE_SOURCE, MAIN_SOURCE].join("");
