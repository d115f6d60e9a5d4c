"""edgebook.modelstate, and edgebook.modelfile, on models with several subgraphs and resource variables."""
import numpy as np
import pytest

from edgebook import modelfile, modelstate, realdata
from edgebook.errors import ModelInputError


def test_subgraphs_name_the_main_one_and_the_init_one_call_once_runs(streaming_model):
    main, init = modelstate.subgraphs(streaming_model)
    assert (main.index, main.role, init.index, init.role) == (0, "main", 1, "init (CALL_ONCE)")
    assert main.ops == len(modelfile.ops(streaming_model)) and init.ops == len(modelfile.ops(streaming_model, 1))


def test_the_state_is_the_resource_variables_values(streaming_model):
    (history,) = modelstate.variables(streaming_model)
    assert (history.name, history.shape, history.dtype, history.bytes) == ("history", (1, 3, 2), "float32", 24)
    assert modelstate.state_bytes(streaming_model) == 24


def test_a_model_without_state_has_one_subgraph_and_no_variables(tiny_dense):
    _, model_bytes = tiny_dense
    assert [g.role for g in modelstate.subgraphs(model_bytes)] == ["main"]
    assert modelstate.variables(model_bytes) == [] and modelstate.state_bytes(model_bytes) == 0


def test_profile_and_macs_count_one_inference_of_the_main_subgraph(streaming_model):
    rows = modelfile.profile(streaming_model)
    assert [row.name for row in rows][:2] == ["CALL_ONCE", "VAR_HANDLE"]
    silent = [row for row in rows if row.name in ("CALL_ONCE", "ASSIGN_VARIABLE")]  # ops that write no tensor
    assert silent and all(row.output_shape == () and row.activation_bytes == 0 for row in silent)
    assert modelfile.macs(streaming_model) == 16 == sum(row.macs for row in rows)  # the 8 -> 2 FULLY_CONNECTED
    init = modelfile.profile(streaming_model, subgraph=1)
    assert [row.name for row in init] == ["VAR_HANDLE", "ASSIGN_VARIABLE"] and sum(row.macs for row in init) == 0


def test_op_counts_cover_every_subgraph_or_one(streaming_model):
    everywhere = modelfile.op_counts(streaming_model)
    main, init = modelfile.op_counts(streaming_model, 0), modelfile.op_counts(streaming_model, 1)
    assert everywhere == main + init
    assert init == {"VAR_HANDLE": 1, "ASSIGN_VARIABLE": 1} and main["CALL_ONCE"] == 1


@pytest.mark.parametrize("subgraph", [2, -1, "main"])
def test_a_subgraph_that_is_not_there_is_named_with_the_ones_that_are(streaming_model, subgraph):
    with pytest.raises(ModelInputError, match=r"2 subgraphs \(0 to 1\).*modelstate.subgraphs"):
        modelfile.ops(streaming_model, subgraph)
    with pytest.raises(ModelInputError, match="2 subgraphs"):
        modelfile.profile(streaming_model, subgraph)


def test_microwakewords_okay_nabu_read_from_the_file():
    model_bytes = realdata.model("okay_nabu.tflite")
    assert [g.role for g in modelstate.subgraphs(model_bytes)] == ["main", "init (CALL_ONCE)"]
    state = modelstate.variables(model_bytes)
    assert len(state) == 6 and all(v.dtype == "int8" for v in state)
    assert modelstate.state_bytes(model_bytes) == 3_408
    assert modelfile.macs(model_bytes) == 36_480  # per inference: 3 new feature rows (30 ms of audio)
    rows = modelfile.profile(model_bytes)
    assert max(rows, key=lambda row: row.macs).name == "CONV_2D" and np.isclose(
        sum(row.macs for row in rows if row.name == "CONV_2D") / 36_480, 0.9, atol=0.02)
