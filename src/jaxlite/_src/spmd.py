"""pmap and shard_map: a function run once per device, with collectives between them.

Both are vmap with axis names (batching.py) over the devices: pmap maps one named
axis of its arguments over len(devices) lanes; shard_map cuts each argument into the
blocks its PartitionSpec gives each device of a mesh, maps the function over one named
vmap per mesh axis, and joins the results' blocks as out_specs say. The body sees one
device's block, and psum & co. run over the lanes of the mesh axes they name. The
results are the global arrays laid out by the matching NamedSharding; under jit, grad
or vmap they compose as the vmaps they are.
"""
import functools

import numpy as np

from . import batching
from . import distributed
from .api.mapping import mapped_over_lanes
from .array import Array, place
from .core import Tracer
from .conversion import asarray
from .jit_api import jit
from .prims.placement import sharding_constraint_p
from .prims.shape import reshape_p, transpose_p
from .sharding import (Mesh, NamedSharding, PartitionSpec, AxisType, local_devices, get_mesh,
                       check_spec, local_mesh, process_axis)
from .tree import tree_flatten, tree_unflatten

PMAP_AXIS = "_internal_pmap_axis_name"


# ---- pmap -------------------------------------------------------------------------------------
def pmap(fun, axis_name=None, *, in_axes=0, out_axes=0, static_broadcasted_argnums=(),
         devices=None, backend=None, axis_size=None, donate_argnums=(), global_arg_shapes=None):
    """Map `fun` over the leading axis of its arguments, one slice per device; collectives
    over `axis_name` run between the devices.

    >>> jax.pmap(lambda x: x - lax.pmean(x, "i"), axis_name="i")(jnp.arange(1.0))
    Array([0.], dtype=float32)
    """
    if not callable(fun):
        raise TypeError(f"pmap requires a function, got {fun!r}")
    static = ((static_broadcasted_argnums,) if isinstance(static_broadcasted_argnums, int)
              else tuple(static_broadcasted_argnums))
    name = axis_name if axis_name is not None else object()  # an unnamed axis: no collectives

    def dynamic_axes(n_args):
        axes = tuple(in_axes) if isinstance(in_axes, list) else in_axes
        if isinstance(axes, tuple) and len(axes) == n_args and static:
            axes = tuple(a for i, a in enumerate(axes) if i not in static)
        return axes

    def run(*args):
        positions = [i for i in range(len(args)) if i not in static]

        def with_statics(*dynamic):
            full = list(args)
            for i, value in zip(positions, dynamic):
                full[i] = value
            return fun(*full)
        # Under jax.distributed each process maps its local devices; a named axis spans
        # all processes' devices, its collectives finishing with MPI operations.
        processes = distributed.process_count() if devices is None else 1
        return mapped_over_lanes(with_statics, dynamic_axes(len(args)), out_axes, name,
                                 axis_size, processes)(*[args[i] for i in positions])

    jitted = jit(run, static_argnums=static)

    @functools.wraps(fun)
    def mapped(*args):
        dynamic = tuple(a for i, a in enumerate(args) if i not in static)
        leaves = tree_flatten(dynamic)[0]
        if any(isinstance(x, Tracer) for x in leaves):
            return jitted(*args)  # inside another transformation: a vmap, placed by it
        size = axis_size
        for x, d in zip(leaves, _broadcast_axes(dynamic_axes(len(args)), dynamic)):
            if d is not None:
                size = np.shape(x)[d]
                break
        device_list = list(devices) if devices is not None else local_devices()
        if size is not None and size > len(device_list):
            raise ValueError(f"compiling computation that requires {size} logical devices, "
                             f"but only {len(device_list)} XLA devices are available "
                             f"(num_replicas={size})")
        out = jitted(*args)
        if size is None:
            return out
        leaves, treedef = tree_flatten(out)
        return tree_unflatten(treedef, [
            place(x, placement(tuple(device_list[:size]), d % x.ndim))
            if d is not None and isinstance(x, Array) else x
            for x, d in zip(leaves, _broadcast_axes(out_axes, out))])

    mesh_axis = axis_name if isinstance(axis_name, str) else PMAP_AXIS

    @functools.lru_cache(maxsize=64)
    def placement(devices, dim):
        """The sharding of a result mapped along `dim` over `devices` (made once)."""
        grid = np.empty(len(devices), dtype=object)
        grid[:] = devices
        mesh = Mesh(grid, (mesh_axis,), axis_types=(AxisType.Auto,))
        return NamedSharding(mesh, PartitionSpec(*([None] * dim + [mesh_axis])))

    return mapped


def _broadcast_axes(axes, tree):
    """One axis (int or None) per leaf of `tree`, from the pytree prefix `axes`."""
    prefix, prefix_def = tree_flatten(axes, lambda a: a is None)
    dims = []
    for a, subtree in zip(prefix, prefix_def.flatten_up_to(tree)):
        dims += [a if a is None else int(a)] * len(tree_flatten(subtree)[0])
    return dims


# ---- shard_map -------------------------------------------------------------------------------
def _spec_leaves(specs, tree, what):
    """One PartitionSpec per leaf of `tree`, from the pytree prefix `specs`."""
    is_spec = lambda s: s is None or isinstance(s, PartitionSpec)
    prefix, prefix_def = tree_flatten(specs, is_spec)
    try:
        subtrees = prefix_def.flatten_up_to(tree)
    except ValueError as e:
        raise ValueError(f"shard_map {what} must be a tree prefix of the corresponding value: "
                         f"{e}") from None
    out = []
    for spec, subtree in zip(prefix, subtrees):
        if spec is None:
            spec = PartitionSpec()
        out += [spec] * len(tree_flatten(subtree)[0])
    return out


def _to_blocks(x, spec, mesh):
    """The global array `x` as [mesh axes it is split over (mesh order)..., block shape]."""
    shape = tuple(x.shape)
    new_shape, axis_of = [], {}
    for dim, size in enumerate(shape):
        names = spec.names_of(dim)
        parts = int(np.prod([mesh.shape[n] for n in names])) if names else 1
        if size % parts:
            raise ValueError(f"shard_map: the argument of shape {shape} cannot be split by "
                             f"{spec}: dimension {dim} of size {size} is not divisible by "
                             f"{parts}")
        for n in names:
            axis_of[n] = len(new_shape)
            new_shape.append(mesh.shape[n])
        new_shape.append(size // parts)
    if not axis_of:
        return x, []
    x = reshape_p.bind(x, new_sizes=tuple(new_shape), dimensions=None)
    mapped = [n for n in mesh.axis_names if n in axis_of]
    front = [axis_of[n] for n in mapped]
    rest = [i for i in range(len(new_shape)) if i not in front]
    return transpose_p.bind(x, permutation=tuple(front + rest)), mapped


def _from_blocks(x, spec, mesh, mapped):
    """The inverse of _to_blocks: leading axes for the mesh axes `mapped` (mesh order),
    then the block; each split dimension gathers its mesh axes (first name major)."""
    k = len(mapped)
    block = tuple(x.shape[k:])
    if len(spec) > len(block):
        raise ValueError(f"shard_map out_specs {spec} has more entries than the output's rank "
                         f"{len(block)}")
    order, new_shape = [], []
    for dim, size in enumerate(block):
        names = spec.names_of(dim)
        merged = size
        for n in names:
            order.append(mapped.index(n))
            merged *= mesh.shape[n]
        order.append(k + dim)
        new_shape.append(merged)
    if not mapped:
        return x
    x = transpose_p.bind(x, permutation=tuple(order))
    return reshape_p.bind(x, new_sizes=tuple(new_shape), dimensions=None)


def shard_map(f=None, /, *, out_specs, in_specs=None, mesh=None, axis_names=frozenset(),
              check_vma=True, check_rep=None):
    """Run `f` on each device's block of its arguments, with collectives over mesh axes.

    >>> mesh = jax.make_mesh((1,), ("x",))
    >>> f = jax.shard_map(lambda b: lax.psum(b.sum(), "x"), mesh=mesh,
    ...                   in_specs=jax.P("x"), out_specs=jax.P())
    >>> f(jnp.arange(4.0))
    Array(6., dtype=float32)
    """
    if f is None:
        return lambda g: shard_map(g, out_specs=out_specs, in_specs=in_specs, mesh=mesh,
                                   axis_names=axis_names, check_vma=check_vma)
    if check_rep is not None:
        check_vma = check_rep

    @functools.wraps(f)
    def mapped(*args):
        the_mesh = mesh if mesh is not None else get_mesh()
        if the_mesh is None:
            raise ValueError("shard_map requires a mesh: pass mesh=, or call it inside "
                             "jax.set_mesh(mesh)")
        if not isinstance(the_mesh, Mesh):
            raise TypeError(f"shard_map mesh must be a Mesh, got {the_mesh!r}")
        if in_specs is None:
            raise NotImplementedError("shard_map without in_specs (inferred from the "
                                      "arguments' shardings) is not supported by jaxlite")
        leaves, in_tree = tree_flatten(args)
        leaves = [x if isinstance(x, (Array, Tracer)) else asarray(x) for x in leaves]
        specs = _spec_leaves(in_specs if isinstance(in_specs, tuple) or len(args) != 1
                             else (in_specs,), tuple(args), "in_specs")
        # A mesh spanning processes: each process maps its own devices (its part of the
        # mesh), and holds the part of each argument split along the process axis (as
        # make_array_from_process_local_data makes it); that axis's collectives span the
        # processes.
        here = local_mesh(the_mesh)
        layout = process_axis(the_mesh)
        processes = {layout[0]: distributed.process_count()} if layout else {}
        blocks, mapped_axes = [], []
        for x, spec in zip(leaves, specs):
            check_spec(the_mesh, spec, x.ndim, "shard_map in_specs")
            NamedSharding(the_mesh, spec).process_dims()  # the layouts jaxlite runs
            b, m = _to_blocks(x, spec, here)
            blocks.append(b)
            mapped_axes.append(m)
        store = {}

        def body(*local):
            out = f(*tree_unflatten(in_tree, list(local)))
            out_leaves, out_tree = tree_flatten(out)
            store["tree"], store["out"] = out_tree, out
            return [x if isinstance(x, (Array, Tracer)) else asarray(x) for x in out_leaves]

        body.__name__ = getattr(f, "__name__", "f")
        outs, out_axes = _map_over_mesh(body, blocks, mapped_axes, here, list(
            the_mesh.axis_names), out_specs, store, check_vma, processes)
        out_spec_leaves = _spec_leaves(out_specs, tree_unflatten(store["tree"], outs),
                                       "out_specs")
        results = []
        for x, spec, m in zip(outs, out_spec_leaves, out_axes):
            check_spec(the_mesh, spec, None, "shard_map out_specs")
            y = _from_blocks(x, spec, here, m)
            sharding = NamedSharding(the_mesh, spec)
            results.append(sharding_constraint_p.bind(y, sharding=sharding)
                           if isinstance(y, Tracer) else place(y, sharding))
        return tree_unflatten(store["tree"], results)

    return mapped


def _map_over_mesh(body, blocks, mapped_axes, mesh, names, out_specs, store, check_vma,
                   processes):
    """Nest one named vmap per mesh axis (the first outermost). Returns the outputs, each
    with a leading axis for every mesh axis its out_spec splits over, and those axes."""
    if not names:
        outs = body(*blocks)
        return outs, [[] for _ in outs]
    name, rest = names[0], names[1:]
    size = mesh.shape[name]
    in_dims = [0 if m and m[0] == name else None for m in mapped_axes]
    inner_axes = [m[1:] if m and m[0] == name else m for m in mapped_axes]
    result = {}

    def level(*xs):
        outs, axes = _map_over_mesh(body, list(xs), inner_axes, mesh, rest, out_specs, store,
                                    check_vma, processes)
        result["axes"] = axes
        return outs

    def out_dims(n):
        if not check_vma:  # every output mapped; unnamed axes keep the first device's value
            return [0] * n
        specs = _spec_leaves(out_specs, tree_unflatten(store["tree"], [0] * n), "out_specs")
        return [0 if name in spec.used_names() else None for spec in specs]

    try:
        outs = batching.vmap_flat(level, blocks, in_dims, size, out_dims, name, "shard_map",
                                  invariant_cotangents=check_vma,
                                  processes=processes.get(name, 1))
    except ValueError as e:
        if "got axis spec None" not in str(e):  # vmap_flat: a mapped output, no axis
            raise
        raise ValueError(f"shard_map applied to the function {getattr(body, '__name__', '')!r} "
                         f"was given out_specs that do not name the mesh axis {name!r}, but "
                         f"an output varies along it (its value differs between the devices "
                         f"of that axis). Name {name!r} in that output's out_specs, or make "
                         f"the output the same on every device, e.g. with lax.psum or "
                         f"lax.pmean over {name!r}.") from None
    specs = _spec_leaves(out_specs, tree_unflatten(store["tree"], list(outs)), "out_specs")
    if not check_vma:
        outs = [x if name in spec.used_names() else x[0] for x, spec in zip(outs, specs)]
    axes = [([name] if name in spec.used_names() else []) + inner
            for spec, inner in zip(specs, result["axes"])]
    return outs, axes


# ---- global arrays from pieces -----------------------------------------------------------------
def _local_shape(shape, sharding):
    dims = sharding.process_dims() if hasattr(sharding, "process_dims") else {}
    for dim, processes in dims.items():
        if shape[dim] % processes:
            raise ValueError(f"dimension {dim} of size {shape[dim]} cannot be split over "
                             f"{processes} processes")
    return tuple(n // dims.get(d, 1) for d, n in enumerate(shape))


def _pieces(shape, sharding):
    """(this process's part's shape, [(device, global index, index in the part)])."""
    local = _local_shape(tuple(shape), sharding)
    if hasattr(sharding, "local_indices"):
        return local, [(d, g, i) for d, (g, i) in sharding.local_indices(local).items()]
    return local, [(d, g, g) for d, g in sharding.devices_indices_map(local).items()]


def make_array_from_callback(shape, sharding, data_callback, dtype=None):
    """The array of `shape` laid out by `sharding`, each of this process's devices' pieces
    from `data_callback(global index)` (across processes, the array keeps this process's
    part).

    >>> s = jax.sharding.NamedSharding(jax.make_mesh((1,), ("x",)), jax.P("x"))
    >>> jax.make_array_from_callback((3,), s, lambda index: np.arange(3.0)[index])
    Array([0., 1., 2.], dtype=float32)
    """
    local_shape, pieces = _pieces(shape, sharding)
    value = None
    for _, index, local in pieces:
        piece = np.asarray(data_callback(index))
        if value is None:
            value = np.zeros(local_shape, piece.dtype if dtype is None else dtype)
        value[local] = piece
    return place(asarray(value), sharding)


def make_array_from_single_device_arrays(shape, sharding, arrays, *, dtype=None):
    """The array of `shape` whose pieces are `arrays`, one per device of `sharding` in
    this process, in the order of its devices."""
    _, pieces = _pieces(shape, sharding)
    if len(arrays) != len(pieces):
        raise ValueError(f"make_array_from_single_device_arrays got {len(arrays)} arrays for "
                         f"{len(pieces)} devices of {sharding} in this process")
    by_index = {tuple((s.start, s.stop) for s in index): a
                for (_, index, _), a in zip(pieces, arrays)}
    return make_array_from_callback(
        shape, sharding, lambda index: by_index[tuple((s.start, s.stop) for s in index)], dtype)


def make_array_from_process_local_data(sharding, local_data, global_shape=None):
    """The global array of which this process holds `local_data`: all of it in one process;
    across processes, its block of the dimensions split along the mesh's process axis.
    (jaxlite's array keeps that part: its .shape is the local shape.)"""
    value = asarray(local_data)
    expected = sharding.global_shape_of(value.shape)
    if global_shape is not None and tuple(global_shape) != tuple(expected):
        raise ValueError(f"make_array_from_process_local_data: local data of shape "
                         f"{tuple(value.shape)} makes a global array of shape {expected} with "
                         f"{sharding}, but global_shape={tuple(global_shape)}")
    return place(value, sharding)
