"""`jax.experimental.layout`: Layout (the order of an array's dimensions in memory,
major to minor, and its tiling) and Format (a layout with a sharding).

jaxlite's arrays are NumPy arrays in row-major order on one device, so a layout is
only a description: placing an array under one (`with_layout_constraint`) leaves its
values as they are. Checkpointing libraries (orbax) pass these through.
"""


class Layout:
    """A device-local memory layout: `major_to_minor` lists the dimensions from the
    slowest-varying to the fastest (row-major: 0, 1, ..., ndim - 1)."""
    __slots__ = ("major_to_minor", "tiling", "sub_byte_element_size_in_bits")

    def __init__(self, major_to_minor, tiling=None, sub_byte_element_size_in_bits=0):
        self.major_to_minor = tuple(major_to_minor)
        self.tiling = None if tiling is None else tuple(map(tuple, tiling))
        self.sub_byte_element_size_in_bits = sub_byte_element_size_in_bits

    def __repr__(self):
        return (f"Layout(major_to_minor={self.major_to_minor}, tiling={self.tiling}, "
                f"sub_byte_element_size_in_bits={self.sub_byte_element_size_in_bits})")

    def _key(self):
        return self.major_to_minor, self.tiling, self.sub_byte_element_size_in_bits

    def __eq__(self, other):
        return isinstance(other, Layout) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())


class Format:
    """A layout together with a sharding (either may be None: unspecified)."""
    __slots__ = ("layout", "sharding")

    def __init__(self, layout=None, sharding=None):
        if layout is not None and not isinstance(layout, Layout):
            raise TypeError(f"Format's layout must be a Layout or None, got {layout!r}")
        self.layout, self.sharding = layout, sharding

    def __repr__(self):
        return f"Format({self.layout}, {self.sharding})"

    def __eq__(self, other):
        return (isinstance(other, Format) and self.layout == other.layout
                and self.sharding == other.sharding)

    def __hash__(self):
        return hash((self.layout, self.sharding))


def with_layout_constraint(x, layout):
    """`x` itself: jaxlite keeps every array row-major, whatever layout is asked for."""
    if not isinstance(layout, (Layout, Format)):
        raise TypeError(f"with_layout_constraint expects a Layout or Format, got {layout!r}")
    return x
