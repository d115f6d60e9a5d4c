"""edgebook.micro.export: the C++ export: model data, op resolver, arena size."""
import pytest


def test_export_compiles_and_reads_back(shipped_sine, tmp_path):
    from edgebook import micro

    export = micro.export_cpp(shipped_sine, "sine", arena_size=4096, folder=tmp_path)
    assert micro.read_back(export) == shipped_sine
    assert "g++" in micro.compile_check(export)
    resolver = (tmp_path / "sine_op_resolver.h").read_text()
    assert "MicroMutableOpResolver<1>" in resolver and "AddFullyConnected()" in resolver
    assert "kSineTensorArenaSize = 4096" in resolver


@pytest.mark.parametrize("op, method", [("CONV_2D", "AddConv2D"), ("DEPTHWISE_CONV_2D", "AddDepthwiseConv2D"),
                                        ("MAX_POOL_2D", "AddMaxPool2D"), ("FULLY_CONNECTED", "AddFullyConnected"),
                                        ("SOFTMAX", "AddSoftmax"), ("PADV2", "AddPadV2"), ("RELU6", "AddRelu6")])
def test_resolver_method_names(op, method):
    from edgebook import micro

    assert micro.resolver_method(op) == method


def test_export_rejects_a_name_that_is_not_a_c_identifier(shipped_sine):
    from edgebook import micro
    from edgebook.errors import ModelInputError

    with pytest.raises(ModelInputError, match="C identifier"):
        micro.export_cpp(shipped_sine, "hello world", arena_size=4096)


def test_with_headroom_and_the_export_comment(shipped_sine, tmp_path):
    from edgebook import micro

    assert micro.with_headroom(2192) == 2416 and micro.with_headroom(1600, 0.0) == 1600
    assert micro.with_headroom(1000) % micro.ARENA_ALIGNMENT == 0
    export = micro.export_cpp(shipped_sine, "sine", arena_size=2048, folder=tmp_path)
    assert "chosen when the model was exported" in (tmp_path / "sine_op_resolver.h").read_text()
    assert export.arena_size == 2048
