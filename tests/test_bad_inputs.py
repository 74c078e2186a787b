"""The bad-input battery (bad_input_cases.py): every public function family given wrong
shapes, dtypes, axes, argnums and types must raise real JAX's exception class (recorded in
data/bad_inputs_golden.json by tools/fuzz/record_bad_inputs.py), with a message that names
the function or the argument at fault; where JAX accepts the input, jaxlite must too.

Cases marked [sem16] are fixed on the sem16 branch (vmap out_axes, concatenate axis,
einsum output letters, .at[].set of a sequence, string arrays)."""
import builtins
import json
import os
import re
import types

import pytest

import jaxlite
import jaxlite.errors
import jaxlite.nn
import jaxlite.numpy as jnp
from jaxlite import lax, random

from bad_input_cases import cases

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "data", "bad_inputs_golden.json")) as f:
    GOLDEN = json.load(f)["cases"]

NS = types.SimpleNamespace(jax=jaxlite, jnp=jnp, lax=lax, random=random)
CASES = cases()


def _expected_class(record):
    """JAX's class, by name, where jaxlite has it (a builtin or a jax.errors class); for
    a class internal to JAX's compiler (MLIRError), its nearest builtin base other than
    Exception, else any Exception."""
    name = record["error"]
    if hasattr(builtins, name) or hasattr(jaxlite.errors, name):
        return name
    for base in record["mro"][1:]:
        if hasattr(builtins, base) and base not in ("Exception", "BaseException"):
            return base
    return "Exception"


def test_every_case_is_recorded():
    assert {name for name, _, _ in CASES} == set(GOLDEN)
    assert len(CASES) >= 120


@pytest.mark.parametrize("name,call,mention", CASES, ids=[c[0] for c in CASES])
def test_bad_input(name, call, mention):
    record = GOLDEN[name]
    if record.get("ok"):
        call(NS)  # JAX accepts this input: so must jaxlite
        return
    expected = _expected_class(record)
    with pytest.raises(Exception) as info:
        call(NS)
    mro = [k.__name__ for k in type(info.value).__mro__]
    assert expected in mro, (f"{name}: JAX raises {record['error']} ({record['message']!r}); "
                             f"jaxlite {type(info.value).__name__}: {info.value}")
    assert re.search(mention, str(info.value), re.IGNORECASE), (
        f"{name}: the message does not say {mention!r}: {info.value}")
