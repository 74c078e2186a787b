"""The corpus of real JAX programs: running one, masking what may differ from run to
run, and comparing its output with the output JAX recorded (record.py).

Shared by record.py (runs each program under real JAX), compare.py (runs each under
`python -m jaxlite.run` and reports) and tests/test_corpus.py (CI: the programs that
match today keep matching). Needs only the standard library.

Each recorded file expected/<name>.txt (in the corpus folder) is a header, then the program's
standard output as JAX printed it:

    # exit: 0                 (or: # exit: 1 ValueError -- the uncaught exception's class)
    # jax_seconds: 3.2        (wall time under JAX when recorded; for the report only)
    # ---
    <stdout>
"""
import math
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MATCHING = os.path.join(HERE, "matching.txt")
REPO = os.path.dirname(os.path.dirname(HERE))
# The programs are JAX's examples and documentation (and JAX's recorded output of each),
# so they live outside this repository, beside it in the workspace: ../shared/corpus
# (programs/, expected/), or wherever JAXLITE_CORPUS points.
CORPUS = os.environ.get("JAXLITE_CORPUS", os.path.join(REPO, "..", "shared", "corpus"))
PROGRAMS = os.path.join(CORPUS, "programs")
EXPECTED = os.path.join(CORPUS, "expected")
SRC = os.path.join(REPO, "src")

# Every program gets this on standard input: a `jax.debug.breakpoint()` prompt
# reads "c" (continue), as a user at the debugger would type.
STDIN = "c\n" * 50

# Numbers are compared with this tolerance (float32 noise: XLA and NumPy round
# differently in the last bits); integers and all other text must be equal.
RTOL, ATOL = 1e-5, 1e-6

# Lines whose printed numbers amplify float32 noise beyond RTOL, and why: per
# program, (regex the expected line matches, rtol, atol, reason). Only those lines
# get the wider tolerance; their text must still be equal.
_FD = ("finite-difference quotient (f(x + eps) - f(x - eps)) / (2 eps) with eps = 1e-4 in "
       "float32: the last-bit difference of f is divided by 2e-4")
TOLERANCE = {
    "doc_automatic_differentiation": [(r"_numerical", 1e-2, 1e-3, _FD)],
    "nb_autodiff_cookbook": [(r"_numerical", 1e-2, 1e-3, _FD)],
    "docs101_transformations": [(r"_numerical", 1e-2, 1e-3, _FD)],
    "ex_gaussian_process_regression": [
        (r"", 1e-4, 1e-5,
         "200 steps of RMSProp-like training in float32 through a Cholesky solve; "
         "rounding differences compound step by step, and the printed std is the square root of "
         "a difference of nearly equal variances")],
    "ex_advi": [
        (r"", 2e-4, 1e-3,
         "30 iterations of Adam on a Monte-Carlo objective in float32: the first bound differs "
         "by 2e-7 relative (float32 rounding of exp/log), and the difference grows along the "
         "optimization trajectory (1e-4 relative by the last iteration); sample means and mesh "
         "densities near 0 are differences of nearly equal numbers, compared absolutely")],
    "nb_convolutions": [
        (r"^[-+]?\d\.\d+e-0[5-7] \d+\.\d+$", RTOL, 1e-4,
         "the sum of a 3-D convolution's output cancels to ~0 (its sum of absolute values is "
         "12418): what is printed is float32 summation-order noise, 3.5e-6 in JAX, 3.6e-7 here")],
}

# Lines a program prints in an order JAX does not fix: per program, (regex, reason).
# Each run of consecutive lines matching the regex is compared as a sorted list.
_UNORDERED_PRINT = ("unordered jax.debug.print (ordered=False, the default): JAX documents that "
                    "such prints may come in any order, and XLA prints a scan body's second "
                    "print before its first")
UNORDERED = {
    "doc_debugging": (r"^jax\.debug\.print\([xy]\) -> ", _UNORDERED_PRINT),
    "docs201_debugging": (r"^jax\.debug\.print\([xy]\) -> ", _UNORDERED_PRINT),
}

_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?\b(?:inf|nan)\b")
_MASKS = [
    # JAX's traceback filtering appends a note about the frames it removed; jaxlite removes
    # no frames, so it has no such note (the exception line before it is still compared)
    (re.compile(r"-{20,}\nFor simplicity, JAX has removed its internal frames from the "
                r"traceback of the following exception\. Set JAX_TRACEBACK_FILTERING=off to "
                r"include these\.\n?"), ""),
    # timings the programs print ("Epoch 0 in 0.41 sec", "(7.729 sec)", "12.3 ms")
    (re.compile(r"\b\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\s?(?:sec|seconds|ms|µs|us|ns)\b"), "<time>"),
    # object addresses in reprs
    (re.compile(r"\b0x[0-9a-fA-F]{4,}\b"), "0x<addr>"),
    (re.compile(r"\bid=\d{6,}"), "id=<id>"),           # Var(id=140668567639360)
    # buffer addresses a program prints (x_ref.unsafe_buffer_pointer()): 12+ digit integers
    (re.compile(r"(?<![\d.])\d{12,}(?![\d.])"), "<address>"),
    # where the program ran: JAX's recordings and jaxlite's runs name its absolute path
    (re.compile(r"/\S*?/corpus/programs/"), "<corpus>/"),
    # the module of the concrete array class, whose name (ArrayImpl) is still compared:
    # JAX's lives in jaxlib's compiled extension, jaxlite's in jaxlite._src.array
    (re.compile(r"<class '(?:jaxlib\._jax|jaxlite\._src\.array)\.ArrayImpl'>"),
     "<class '<array module>.ArrayImpl'>"),
]


def program_names():
    return sorted(f[:-3] for f in os.listdir(PROGRAMS) if f.endswith(".py"))


def program_path(name):
    return os.path.join(PROGRAMS, name + ".py")


def run(command, name, *, timeout, env=None, cwd=None):
    """Runs `command + [program]`; returns (returncode or None on timeout, stdout,
    exception class name or None, seconds)."""
    full_env = dict(os.environ)
    full_env.update({"PYTHONHASHSEED": "0", "JAX_PLATFORMS": "cpu",
                     "TF_CPP_MIN_LOG_LEVEL": "3"})
    full_env.update(env or {})
    start = time.perf_counter()
    try:
        proc = subprocess.run([*command, program_path(name)], input=STDIN, capture_output=True,
                              text=True, timeout=timeout, env=full_env,
                              cwd=cwd or PROGRAMS)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return None, out, None, time.perf_counter() - start
    seconds = time.perf_counter() - start
    return proc.returncode, proc.stdout, exception_class(proc.stderr), seconds


def jaxlite_command():
    return [sys.executable, "-m", "jaxlite.run"]


def jaxlite_env():
    return {"PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}


def exception_class(stderr):
    """The class of the uncaught exception a traceback in stderr ends with."""
    if "Traceback (most recent call last)" not in stderr:
        return None
    for line in reversed(stderr.splitlines()):
        m = re.match(r"^([A-Za-z_][\w.]*)(?::|$)", line)
        if m and not line.startswith(("  ", "During", "The above", "For simplicity", "---")):
            return m.group(1).rsplit(".", 1)[-1]
    return None


def write_expected(name, returncode, stdout, exc, seconds):
    exit_line = f"# exit: {returncode}" + (f" {exc}" if returncode and exc else "")
    with open(os.path.join(EXPECTED, name + ".txt"), "w") as f:
        f.write(f"{exit_line}\n# jax_seconds: {seconds:.1f}\n# ---\n{stdout}")


def read_expected(name):
    """(returncode, exception class or None, jax seconds, stdout)."""
    with open(os.path.join(EXPECTED, name + ".txt")) as f:
        text = f.read()
    header, _, stdout = text.partition("# ---\n")
    exit_fields = re.search(r"^# exit: (.*)$", header, re.M).group(1).split()
    seconds = float(re.search(r"^# jax_seconds: (.*)$", header, re.M).group(1))
    return int(exit_fields[0]), (exit_fields[1] if len(exit_fields) > 1 else None), seconds, stdout


def mask(text):
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


def _as_float(token):
    return float(token)


def _is_integer(token):
    return re.fullmatch(r"[-+]?\d+", token) is not None


def lines_match(expected, actual, rtol, atol):
    """Equal text, and numbers equal within tolerance (integers exactly). Whitespace
    between tokens does not count: NumPy pads array columns to the widest number, so a
    last digit more or less moves the spaces (`-3.0509028 -10.940545j ,` against
    `-3.0509048 -10.940546j,`); the numbers are still compared one by one."""
    if expected == actual:
        return True
    e_text = _NUMBER.split(" ".join(expected.split()))
    a_text = _NUMBER.split(" ".join(actual.split()))
    if ["".join(t.split()) for t in e_text] != ["".join(t.split()) for t in a_text]:
        return False
    e_nums = _NUMBER.findall(" ".join(expected.split()))
    a_nums = _NUMBER.findall(" ".join(actual.split()))
    for e, a in zip(e_nums, a_nums):
        if _is_integer(e) and _is_integer(a):
            if int(e) != int(a):
                return False
            continue
        fe, fa = _as_float(e), _as_float(a)
        if math.isnan(fe) or math.isnan(fa):
            if not (math.isnan(fe) and math.isnan(fa)):
                return False
        elif math.isinf(fe) or math.isinf(fa):
            if fe != fa:
                return False
        elif abs(fe - fa) > atol + rtol * abs(fe):
            return False
    return True


def _sort_runs(lines, pattern):
    out, run = [], []
    for line in lines + [None]:
        if line is not None and re.search(pattern, line):
            run.append(line)
            continue
        out.extend(sorted(run))
        run = []
        if line is not None:
            out.append(line)
    return out


def compare(name, returncode, stdout, exc):
    """(status, first differing line or '') for one jaxlite run against the record.
    status: 'match', 'match (tol)', 'differs', 'raises', 'timeout'."""
    exp_rc, exp_exc, _, exp_out = read_expected(name)
    wider = TOLERANCE.get(name, [])
    expected_lines = mask(exp_out).splitlines()
    actual_lines = mask(stdout).splitlines()
    if name in UNORDERED:
        expected_lines = _sort_runs(expected_lines, UNORDERED[name][0])
        actual_lines = _sort_runs(actual_lines, UNORDERED[name][0])
    exact = expected_lines == actual_lines
    first = ""
    for i in range(max(len(expected_lines), len(actual_lines))):
        e = expected_lines[i] if i < len(expected_lines) else "<end of output>"
        a = actual_lines[i] if i < len(actual_lines) else "<end of output>"
        rtol, atol = RTOL, ATOL
        for pattern, line_rtol, line_atol, _ in wider:
            if re.search(pattern, e):
                rtol, atol = line_rtol, line_atol
        if not lines_match(e, a, rtol, atol):
            first = f"line {i + 1}: expected {e.strip()[:70]!r}, got {a.strip()[:70]!r}"
            break
    same_exit = (returncode == exp_rc and (exc == exp_exc or not exp_rc))
    if returncode is None:
        return "timeout", first
    if not same_exit and returncode != 0:
        return "raises", f"{exc or 'exit ' + str(returncode)}" + (f"; {first}" if first else "")
    if not same_exit:
        return "differs", f"exit {returncode}, JAX: exit {exp_rc} {exp_exc or ''}".strip()
    if first:
        return "differs", first
    return ("match" if exact else "match (tol)"), ""


def read_matching():
    with open(MATCHING) as f:
        return [line.split("#")[0].strip() for line in f if line.split("#")[0].strip()]
