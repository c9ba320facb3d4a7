/**
 * The harness's judge process: forks the runner, makes itself non-dumpable, writes the report,
 * and holds the solution's objects only as handles (_Remote), whose equality and ordering
 * against anything else are decided here. Assembled in harness.ts.
 */
export const JUDGE_SOURCE = String.raw`

# ---- The judge: holds the nonce, the tests and fd 3; never runs the solution's code.

def _stash_nonce():
    # Keep the host's nonce in the pipe, unread, on a private fd; stdin becomes empty.
    fd = os.dup(0)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    return fd


def _fork_runner(nonce_fd):
    # Forked before the judge reads its job (tests, solution, nonce) from stdin, so its memory
    # holds none of it; it keeps neither that fd nor fd 3, and waits for "start" until the
    # judge is no longer dumpable, has its job and has written solution.py.
    # Frozen objects are left out of later collections, so neither process's collector
    # touches (and copies) the pages the two share.
    import gc
    gc.freeze()
    down_read, down_write = os.pipe()
    up_read, up_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        for fd in (nonce_fd, down_write, up_read):
            os.close(fd)
        _run_runner(down_read, up_write)
    os.close(down_read)
    os.close(up_write)
    return pid, _Channel(up_read, down_write)


def _seal(backstop):
    # Not dumpable: no other process of the sandbox (same uid, no capabilities) can open this
    # one's /proc/<pid>/mem or /proc/<pid>/fd, or ptrace it. Through _ctypes, not ctypes, to
    # save its import; a harness that cannot seal itself must not judge.
    try:
        import _ctypes

        class _Int(_ctypes._SimpleCData):
            _type_ = "i"

        class _Function(_ctypes.CFuncPtr):
            _flags_ = _ctypes.FUNCFLAG_CDECL
            _restype_ = _Int

        prctl = _Function(_ctypes.dlsym(_ctypes.dlopen(None, os.RTLD_NOW), "prctl"))
        sealed = prctl(4, 0, 0, 0, 0) == 0 and prctl(3, 0, 0, 0, 0) == 0  # PR_SET/GET_DUMPABLE
    except BaseException as error:
        sealed, why = False, "%s: %s" % (type(error).__name__, error)
    else:
        why = "prctl(PR_SET_DUMPABLE, 0) failed"
    if not sealed:
        _finish("harness_error", 1, message=_text("cannot make the judge process non-dumpable (%s)" % why))
    # SIGINT is the one signal Python turns into an exception; the runner could send it to
    # break into the tests' code at a moment of its choosing.
    import _signal
    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
    # This process is the sandbox's pid 1 (no init runs): the wall-clock backstop for a host
    # that froze is its own. The runner, forked earlier, has no alarm.
    if backstop > 0:
        _signal.signal(_signal.SIGALRM, lambda *_: _exit(128 + 9))
        _signal.alarm(backstop)


_RUNNER = []


def _finish(outcome, code, **info):
    if _RUNNER:
        try:
            os.kill(_RUNNER[0], 9)
        except BaseException:
            pass
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except BaseException:
            pass
    try:
        info["outcome"] = outcome
        info["nonce"] = _read(_NONCE_FD[0], 256).decode("ascii", "replace").strip()
        _write(_REPORT_FD, (_json_text({k: v if type(v) is int else _text(v) for k, v in info.items()}) + "\n").encode("ascii"))
    finally:
        _exit(code)


def _runner_gone(phase, error):
    # The runner ended or spoke garbage: how it ended decides the outcome. A signal (SIGXCPU,
    # an OOM kill) is passed on as this process's end, so the host classifies it as before.
    # At the end of the stream the runner is exiting (or closed its pipe and runs on, until
    # the wall clock): wait for it. Garbage: kill it first.
    pid = _RUNNER[0]
    if str(error) != _EOF:
        os.kill(pid, 9)
    try:
        status = os.waitpid(pid, 0)[1]
    except ChildProcessError:
        status = None
    if status is None or str(error) != _EOF:
        _finish("exception", 1, type="ProtocolError", message=_text(error), phase=phase)
    if os.WIFSIGNALED(status):
        # As pid 1 the signal to itself is ignored; 128 + N is how bwrap reports a signal.
        import _signal
        sig = os.WTERMSIG(status)
        _signal.signal(sig, _signal.SIG_DFL)
        os.kill(os.getpid(), sig)
        _exit(128 + sig)
    _finish("exited_early", 1, message="the solution's process exited (status %d) during the %s" % (os.waitstatus_to_exitcode(status), phase))


_EXCEPTIONS = {name: value for name, value in vars(builtins).items()
               if isinstance(value, type) and issubclass(value, Exception)}


class _SolutionError(Exception):
    pass


def _remote_error(reply):
    # The solution's exception, re-raised here as the builtin class of that name (so the
    # tests' except ValueError and assertRaises work), marked as the solution's.
    _, name, message, where = reply
    kind = _EXCEPTIONS.get(name, _SolutionError)
    try:
        error = kind(message)
    except BaseException:
        error = _SolutionError(message)
    error._align_solution = (_text(name), where)
    return error


def _request(*message):
    # One request to the runner; its value, its exception re-raised, or the end of the run.
    try:
        _CHANNEL[0].send(message)
    except OSError as error:
        raise _Broken("cannot write to the runner: %s" % error)
    return _reply(_receive(False))


def _reply(reply):
    if reply[0] == "ok" and len(reply) >= 2:
        return reply
    if reply[0] == "raise" and len(reply) == 4:
        raise _remote_error(reply)
    if reply[0] == "exit" and len(reply) == 2:
        _finish("exited_early", 1, message=_text(reply[1]))
    if reply[0] == "syntax" and len(reply) == 3:
        return reply
    raise _Broken("unexpected reply %s" % _text(reply[0]))


# Calls the runner answers ahead of the tests (the straight-line prefix of the tests, every
# APPS case): (name, arguments as wire text) in order, and their answers received early.
_AHEAD = []
_EARLY = []
_NAME_OF = {}


def _receive(ahead):
    # The next answer to a request (ahead=False) or to the next call made ahead (True);
    # answers made ahead arrive first and wait in _EARLY.
    if ahead and _EARLY:
        return _EARLY.pop(0)
    while True:
        message = _CHANNEL[0].receive()
        early = message == ["stop"] or (message[0] == "spec" and len(message) == 2 and type(message[1]) is list and len(message[1]) > 0)
        if ahead:
            if not early:
                raise _Broken("an answer out of order")
            return message
        if not early:
            return message
        _EARLY.append(message)


def _answered_ahead(key):
    # The reply to this call if the runner made it ahead, else None (then ask it now).
    if not _AHEAD or _AHEAD[0] != key:
        return None
    _AHEAD.pop(0)
    message = _receive(True)
    if message == ["stop"]:
        _AHEAD[:] = []
        return None
    return _reply(message[1])


_CHANNEL = []


class _Remote:
    # An object of the solution, held by handle. Calls, attributes, items, iteration, len,
    # bool and str are asked of the solution; equality and ordering against anything that is
    # not another of its objects are decided here (never equal, never ordered).
    __slots__ = ("_handle", "_type", "_callable")

    def __init__(self, handle, kind, is_callable):
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_type", kind)
        object.__setattr__(self, "_callable", is_callable)

    def __call__(self, *args, **kwargs):
        args = list(args)
        wired = [_unwire_args(args), _to_wire(kwargs)]
        reply = _answered_ahead((_NAME_OF.get(self._handle, _MISSING), _json_text(wired))) if _AHEAD else None
        if reply is None:
            reply = _request("call", self._handle, *wired)
        _write_back(args, _unwire(reply[2]) if len(reply) > 2 else [])
        return _unwire(reply[1])

    def _ask(self, op, *rest):
        return _unwire(_request(op, self._handle, *[_to_wire(item) for item in rest])[1])

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._ask("getattr", name)

    def __setattr__(self, name, value):
        self._ask("setattr", name, value)

    def __getitem__(self, key):
        return self._ask("getitem", key)

    def __setitem__(self, key, value):
        self._ask("setitem", key, value)

    def __iter__(self):
        return self._ask("iter")

    def __next__(self):
        return self._ask("next")

    def __len__(self):
        value = self._ask("len")
        if type(value) is not int:
            raise TypeError("len() of a solution object gave %s" % type(value).__name__)
        return value

    def __bool__(self):
        return self._ask("bool") is True

    def __str__(self):
        value = self._ask("str")
        return value if type(value) is str else "<%s object>" % self._type

    def __repr__(self):
        return "<solution %s object>" % self._type

    def __hash__(self):
        value = self._ask("hash")
        return value if type(value) is int else 0

    def __contains__(self, item):
        return _in(item, self)

    def _rich(self, op, other):
        if type(other) is not _Remote:
            return NotImplemented if op != "eq" else False
        return self._ask(op, other) is True

    def __eq__(self, other):
        return self._rich("eq", other)

    def __ne__(self, other):
        return not self._rich("eq", other)

    def __lt__(self, other):
        return self._rich("lt", other)

    def __le__(self, other):
        return self._rich("le", other)

    def __gt__(self, other):
        return self._rich("gt", other)

    def __ge__(self, other):
        return self._rich("ge", other)


def _to_wire(value, depth=0):
    # The tests' values as the runner receives them: builtin values and the solution's own
    # objects; anything else of the tests (a lambda, a class of theirs) cannot cross.
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is _Remote:
        return ["r", value._handle]
    if depth > 200:
        raise TypeError("a value nested too deeply to pass to the solution")
    if kind is type(sys):
        return ["m", value.__name__]
    for base, tag in _CONTAINERS:
        if kind is base:
            return [tag] + [_to_wire(item, depth + 1) for item in value]
    if kind is dict:
        out = ["d"]
        for key, item in value.items():
            out += [_to_wire(key, depth + 1), _to_wire(item, depth + 1)]
        return out
    if kind is bytes or kind is bytearray:
        return ["b" if kind is bytes else "B", value.decode("latin-1")]
    if kind is complex:
        return ["c", value.real, value.imag]
    raise TypeError("the tests passed a %s to the solution; only builtin values and the solution's own objects can be passed" % kind.__name__)


def _unwire_args(args):
    return _to_wire(list(args))


def _write_back(args, changed):
    # The solution mutated a list, dict or set argument in place: the tests see the change.
    for i, value in zip(changed[0::2], changed[1::2]):
        target = args[i] if type(i) is int and 0 <= i < len(args) else None
        if type(target) is list and type(value) is list:
            target[:] = value
        elif type(target) in (dict, set) and type(value) is type(target):
            target.clear()
            target.update(value)


def _unwire(value, depth=0):
    # The runner's message as plain builtin values and _Remote handles; anything else is
    # a broken runner. Exact types only: nothing here has methods the solution wrote.
    kind = type(value)
    if kind is not list:
        if kind is dict:
            raise _Broken("unexpected JSON object")
        return value
    if not value or type(value[0]) is not str or depth > 250:
        raise _Broken("malformed value")
    tag, items = value[0], value[1:]
    if tag == "l" and not any(type(item) is list or type(item) is dict for item in items):
        return items
    if tag == "r":
        if len(items) != 3 or type(items[0]) is not int or type(items[1]) is not str:
            raise _Broken("malformed handle")
        return _Remote(items[0], items[1], items[2] is True)
    if tag in "ltsSd" and len(tag) == 1:
        items = [_unwire(item, depth + 1) for item in items]
        try:
            return items if tag == "l" else tuple(items) if tag == "t" else set(items) if tag == "s" else frozenset(items) if tag == "S" else dict(zip(items[0::2], items[1::2]))
        except TypeError as error:
            raise _Broken("unhashable value: %s" % error)
    try:
        return _unwire_scalar(tag, items)
    except _Broken:
        raise
    except BaseException as error:
        raise _Broken("malformed %s value: %s" % (tag, type(error).__name__))
`;
