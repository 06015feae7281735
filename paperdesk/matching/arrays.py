"""The numpy array types the matching library passes around (for the type checker)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Int8Array = npt.NDArray[np.int8]
Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
# any integer indices or counts (the solvers take int32 pairs and int64 loads alike)
IndexArray = npt.NDArray[np.integer[Any]]
