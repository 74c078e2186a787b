"""The pass pipeline run on a Jaxpr before code generation (one module per pass)."""
from .inline import inline_calls
from .fold import fold_constants
from .identity import collapse_identities
from .contract import contract_sums
from .simplify import simplify
from .cse import common_subexpression_elimination
from .dce import dead_code_elimination


def optimize(jaxpr):
    """Inline nested calls, fold constants, simplify, merge duplicates, drop dead code."""
    jaxpr = inline_calls(jaxpr)
    jaxpr = collapse_identities(jaxpr)  # before folding: W @ I is W, not a compile-time GEMM
    jaxpr = fold_constants(jaxpr)
    jaxpr = collapse_identities(jaxpr)
    jaxpr = simplify(jaxpr)
    # a rewrite may leave its old operand dead (a + (-x) -> a - x leaves -x): contraction
    # counts readers, so dead ones go first
    jaxpr = dead_code_elimination(jaxpr)
    jaxpr = contract_sums(jaxpr)
    jaxpr = common_subexpression_elimination(jaxpr)
    return dead_code_elimination(jaxpr)
