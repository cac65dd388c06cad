"""The few exception types of Protokollsök; messages say where and what."""


class ProtokollError(Exception):
    """Base of every error the user is meant to read (the CLI prints it on one line)."""


class ProtocolParseError(ProtokollError, ValueError):
    """A protocol file could not be read or parsed; the message names the file."""


class ModelError(ProtokollError, RuntimeError):
    """The embedding model could not be prepared or loaded."""


class IndexMissingError(ProtokollError, FileNotFoundError):
    """No index where one was expected; the message says how to build it."""


class IndexMismatchError(ProtokollError, RuntimeError):
    """The index on disk does not fit the configuration (other model, schema or broken files)."""


class QueryError(ProtokollError, ValueError):
    """A question that cannot be searched (empty, or only whitespace)."""


class IndexBusyError(ProtokollError, RuntimeError):
    """Another run is building the same index; the message names its pid."""


class IndexWriteError(ProtokollError, OSError):
    """The index could not be written (disk full, no permission); the previous index is unchanged."""
