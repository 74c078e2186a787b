"""jaxlite.errors: JAX's public error classes."""
from ._src.errors import (ConcretizationTypeError, TracerBoolConversionError,
                          TracerIntegerConversionError, TracerArrayConversionError,
                          NonConcreteBooleanIndexError, UnexpectedTracerError, JAXTypeError,
                          JAXIndexError, KeyReuseError, JaxprTypeError,
                          InconclusiveDimensionOperation, JaxRuntimeError)
