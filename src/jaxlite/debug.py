"""jaxlite.debug: print and callback from inside jit, vmap, grad and loops."""
from ._src.debugging import callback, print
from ._src.debugger import breakpoint
