"""The interface of an asynchronous array checkpoint manager
(jax.experimental.array_serialization): a checkpoint on every step must wait for the
previous one to be committed, so a manager keeps that state between calls."""
import abc


class GlobalAsyncCheckpointManagerBase(abc.ABC):
    """Serializes arrays in the background and deserializes them; subclasses implement
    the four methods."""

    @abc.abstractmethod
    def check_for_errors(self):
        """Raise the error a background serialization hit, if any."""

    @abc.abstractmethod
    def wait_until_finished(self):
        """Block until the pending serialization is committed."""

    @abc.abstractmethod
    def serialize(self, arrays, tensorstore_specs, *, on_commit_callback):
        """Start writing `arrays`; `on_commit_callback()` runs once they are committed."""

    @abc.abstractmethod
    def deserialize(self, shardings, tensorstore_specs, global_shapes=None, dtypes=None):
        """Read arrays back with the given shardings."""
