"""Tests of the exercise checks of lesson 11_pre_and_post_processing: each check against a right
answer, wrong answers (with their targeted messages) and the ``...`` placeholder.

The checks run on a small untrained digits-shaped CNN, so the tests do not train anything."""
import numpy as np
import pytest

from edgebook.checks import lesson_11 as ex


@pytest.fixture(scope="module")
def small_cnn(ctx):
    """A Keras model with the digits CNN's input and output (untrained) and some raw uint8 images."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(5)
    model = tf.keras.Sequential([
        tf.keras.layers.Input((8, 8, 1), name="pixels"),
        tf.keras.layers.Conv2D(4, 3, padding="same", activation="relu", bias_initializer="random_normal"),
        tf.keras.layers.MaxPooling2D(),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(10, activation="softmax", name="probabilities", bias_initializer="random_normal"),
    ])
    raw_images = np.random.default_rng(0).integers(0, 17, (40, 8, 8)).astype(np.uint8)
    probabilities = model.predict(raw_images[..., None] / np.float32(16), verbose=0)
    return model, raw_images, probabilities


def make_app_class(best_body=None):
    """A DigitsApp like the lesson's, with a best signature whose body is ``best_body(self, raw)``."""
    import tensorflow as tf

    raw_spec = tf.TensorSpec([None, 8, 8], tf.uint8, name="raw_pixels")

    class App(tf.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def preprocess(self, raw_pixels):
            return tf.expand_dims(tf.cast(raw_pixels, tf.float32) / 16.0, axis=-1)

        @tf.function(input_signature=[raw_spec])
        def classify(self, raw_pixels):
            probabilities = self.model(self.preprocess(raw_pixels), training=False)
            scores, class_ids = tf.math.top_k(probabilities, k=3)
            return {"class_ids": class_ids, "scores": scores}

        if best_body is not None:
            @tf.function(input_signature=[raw_spec])
            def best(self, raw_pixels):
                return best_body(self, raw_pixels)

    return App


# --- Exercise 2.1: pre-processing with TensorFlow ops ----------------------------------------

def tf_right(raw):
    import tensorflow as tf

    return tf.expand_dims(tf.cast(raw, tf.float32) / 16.0, axis=-1)


def test_tf_preprocess_correct(ctx):
    import tensorflow as tf

    result = ex.tf_preprocess.evaluate(tf_right)
    assert result.status == "correct", result.message
    # Without the cast: TensorFlow divides uint8 by 16 in float32, which is right too.
    result = ex.tf_preprocess.evaluate(lambda raw: tf.expand_dims(raw / 16, -1))
    assert result.status == "correct", result.message


@pytest.mark.parametrize("name, message", [
    ("no_channel", "channel axis is missing"),
    ("channel_first", "channel axis is at the front"),
    ("by_255", "divided by 255"),
    ("no_division", "still go from 0 to 16"),
    ("own_max", "its own brightest pixel"),
    ("float64", "dtype float64"),
    ("numpy_result", "returned a NumPy array"),
    ("numpy_inside", "not inside a tf.function"),
])
def test_tf_preprocess_mistakes(ctx, name, message):
    import tensorflow as tf

    answers = {
        "no_channel": lambda raw: tf.cast(raw, tf.float32) / 16,
        "channel_first": lambda raw: tf.expand_dims(tf.cast(raw, tf.float32) / 16, 1),
        "by_255": lambda raw: tf.expand_dims(tf.cast(raw, tf.float32) / 255, -1),
        "no_division": lambda raw: tf.expand_dims(tf.cast(raw, tf.float32), -1),
        "own_max": lambda raw: tf.expand_dims(
            tf.cast(raw, tf.float32) / tf.reduce_max(tf.cast(raw, tf.float32), axis=(1, 2), keepdims=True), -1),
        "float64": lambda raw: tf.expand_dims(tf.cast(raw, tf.float64) / 16, -1),
        "numpy_result": lambda raw: (np.asarray(raw) / np.float32(16))[..., None].astype(np.float32),
        "numpy_inside": lambda raw: tf.constant((raw.numpy() / 16).astype(np.float32))[..., None],
    }
    result = ex.tf_preprocess.evaluate(answers[name])
    assert result.status == "incorrect"
    assert message in result.message, result.message


def test_tf_preprocess_not_attempted(ctx):
    def tf_preprocess(raw_pixels):
        ...

    assert ex.tf_preprocess.evaluate(...).status == "not attempted"
    assert ex.tf_preprocess.evaluate(tf_preprocess).status == "not attempted"


# --- Exercise 3.1: a best signature --------------------------------------------------------

def best_right(self, raw):
    import tensorflow as tf

    probabilities = self.model(self.preprocess(raw), training=False)
    return {"digit": tf.argmax(probabilities, axis=-1, output_type=tf.int32),
            "score": tf.reduce_max(probabilities, axis=-1)}


@pytest.fixture(scope="module")
def best_context(small_cnn):
    _, raw_images, probabilities = small_cnn
    return {"raw_images": raw_images, "expected_probabilities": probabilities}


def test_best_signature_correct(small_cnn, best_context):
    import tensorflow as tf

    app = make_app_class(best_right)(small_cnn[0])
    result = ex.best_signature.evaluate(app, **best_context)
    assert result.status == "correct", result.message

    def with_top_k(self, raw):
        scores, ids = tf.math.top_k(self.model(self.preprocess(raw), training=False), k=1)
        return {"digit": ids[:, 0], "score": scores[:, 0]}

    result = ex.best_signature.evaluate(make_app_class(with_top_k)(small_cnn[0]), **best_context)
    assert result.status == "correct", result.message


def test_best_signature_mistakes(small_cnn, best_context):
    import tensorflow as tf

    def probabilities_of(self, raw):
        return self.model(self.preprocess(raw), training=False)

    def top_k_kept_axis(self, raw):
        scores, ids = tf.math.top_k(probabilities_of(self, raw), k=1)
        return {"digit": ids, "score": scores}

    def float_digit(self, raw):
        p = probabilities_of(self, raw)
        return {"digit": tf.reduce_max(p, axis=-1), "score": tf.reduce_max(p, axis=-1)}

    def no_names(self, raw):
        p = probabilities_of(self, raw)
        return tf.argmax(p, axis=-1), tf.reduce_max(p, axis=-1)

    def other_names(self, raw):
        p = probabilities_of(self, raw)
        return {"class_id": tf.argmax(p, axis=-1), "score": tf.reduce_max(p, axis=-1)}

    def least_likely(self, raw):
        p = probabilities_of(self, raw)
        return {"digit": tf.argmin(p, axis=-1, output_type=tf.int32), "score": tf.reduce_max(p, axis=-1)}

    def no_preprocessing(self, raw):
        p = self.model(tf.cast(raw, tf.float32)[..., None], training=False)
        return {"digit": tf.argmax(p, axis=-1, output_type=tf.int32), "score": tf.reduce_max(p, axis=-1)}

    def wrong_score(self, raw):
        p = probabilities_of(self, raw)
        return {"digit": tf.argmax(p, axis=-1, output_type=tf.int32), "score": tf.reduce_min(p, axis=-1)}

    cases = {
        top_k_kept_axis: "keeps a last axis of size 1",
        float_digit: "a digit is a whole number",
        no_names: "without names",
        other_names: "has no 'digit'",
        least_likely: "not the most likely class",
        wrong_score: "score differs from the largest probability",
    }
    for body, message in cases.items():
        result = ex.best_signature.evaluate(make_app_class(body)(small_cnn[0]), **best_context)
        assert result.status == "incorrect", body.__name__
        assert message in result.message, (body.__name__, result.message)
    # Without self.preprocess the answers change for some of these images.
    result = ex.best_signature.evaluate(make_app_class(no_preprocessing)(small_cnn[0]), **best_context)
    assert result.status == "incorrect"
    no_best = ex.best_signature.evaluate(make_app_class()(small_cnn[0]), **best_context)
    assert no_best.status == "incorrect" and "has no method best" in no_best.message


def test_best_signature_not_attempted(small_cnn, best_context):
    def placeholder(self, raw):
        ...

    assert ex.best_signature.evaluate(..., **best_context).status == "not attempted"
    app = make_app_class(placeholder)(small_cnn[0])
    assert ex.best_signature.evaluate(app, **best_context).status == "not attempted"


# --- Exercise 5.1: read the labels by hand ------------------------------------------------

@pytest.fixture(scope="module")
def app_bytes(small_cnn):
    import tensorflow as tf

    from edgebook.nativelogs import muted_native_logs

    app = make_app_class(best_right)(small_cnn[0])
    functions = [app.classify.get_concrete_function(), app.best.get_concrete_function()]
    with muted_native_logs():
        return tf.lite.TFLiteConverter.from_concrete_functions(functions, app).convert()


def read_labels_right(model_bytes):
    from ai_edge_litert import schema_py_generated as schema

    model_t = schema.ModelT.InitFromPackedBuf(model_bytes, 0)
    for entry in model_t.metadata:
        if entry.name == b"labels":
            return model_t.buffers[entry.buffer].data.tobytes().decode("utf-8").splitlines()


def entry_data(model_bytes, pick):
    """The data of the metadata entry chosen by ``pick(list of entries)``, as the schema gives it."""
    from ai_edge_litert import schema_py_generated as schema

    model_t = schema.ModelT.InitFromPackedBuf(model_bytes, 0)
    return model_t.buffers[pick(model_t.metadata).buffer].data


def test_read_labels_correct(app_bytes):
    result = ex.read_labels.evaluate(read_labels_right, model_bytes=app_bytes)
    assert result.status == "correct", result.message
    from edgebook import modelfile

    assert ex.read_labels.evaluate(modelfile.labels, model_bytes=app_bytes).status == "correct"


def test_read_labels_mistakes(app_bytes):
    answers = {
        "raw bytes": lambda b: entry_data(b, lambda entries: next(e for e in entries if e.name == b"labels")),
        "one string": lambda b: "\n".join(read_labels_right(b)),
        "content of the entry 'author'": lambda b: entry_data(b, lambda entries: entries[-1]).tobytes()
        .decode().splitlines(),
        "content of the entry 'min_runtime_version'": lambda b: entry_data(b, lambda entries: entries[0])
        .tobytes().decode().splitlines(),
        "ends with an empty string": lambda b: (read_labels_right(b) or []) + [""],
        "same labels for every model": lambda b: list(ex.WORD_LABELS),
    }
    for message, answer in answers.items():
        result = ex.read_labels.evaluate(answer, model_bytes=app_bytes)
        assert result.status == "incorrect", message
        assert message in result.message, (message, result.message)


def test_read_labels_crash_is_reported(app_bytes):
    def by_str_name(model_bytes):
        from ai_edge_litert import schema_py_generated as schema

        model_t = schema.ModelT.InitFromPackedBuf(model_bytes, 0)
        return [e for e in model_t.metadata if e.name == "labels"][0]  # names are bytes: IndexError

    result = ex.read_labels.evaluate(by_str_name, model_bytes=app_bytes)
    assert result.status == "incorrect"
    assert "IndexError" in result.message


def test_read_labels_not_attempted(app_bytes):
    def read_labels(model_bytes):
        ...

    assert ex.read_labels.evaluate(..., model_bytes=app_bytes).status == "not attempted"
    assert ex.read_labels.evaluate(read_labels, model_bytes=app_bytes).status == "not attempted"


# --- Exercise 6.1: label one image with the wrapper ----------------------------------------

@pytest.fixture(scope="module")
def label_context(app_bytes, small_cnn):
    from edgebook import modelfile

    return {"model_bytes": modelfile.write_metadata(app_bytes, "labels", "\n".join("0123456789")),
            "raw_images": small_cnn[1]}


def label_of_right(wrapper, raw_image):
    return wrapper.labels[wrapper.classify(raw_pixels=raw_image[np.newaxis]).class_ids[0, 0]]


def test_label_of_correct(label_context):
    result = ex.label_of.evaluate(label_of_right, **label_context)
    assert result.status == "correct", result.message


def test_label_of_mistakes(label_context):
    answers = {
        "without the batch axis": lambda w, raw: w.labels[w.classify(raw_pixels=raw).class_ids[0, 0]],
        "returned the class id": lambda w, raw: w.classify(raw_pixels=raw[None]).class_ids[0, 0],
        "class id as text": lambda w, raw: str(w.classify(raw_pixels=raw[None]).class_ids[0, 0]),
        "returned several values": lambda w, raw: [w.labels[i] for i in w.classify(raw_pixels=raw[None]).class_ids[0]],
        "the most likely class": lambda w, raw: w.labels[w.classify(raw_pixels=raw[None]).class_ids[0, 1]],
        "raised KeyError": lambda w, raw: {}["label"],
        "refused the input": lambda w, raw: w.classify(raw_pixels=raw[None].astype(np.float32)),
    }
    for message, answer in answers.items():
        result = ex.label_of.evaluate(answer, **label_context)
        assert result.status == "incorrect", message
        assert message in result.message, (message, result.message)


def test_label_of_not_attempted(label_context):
    def label_of(wrapper, raw_image):
        ...

    assert ex.label_of.evaluate(..., **label_context).status == "not attempted"
    assert ex.label_of.evaluate(label_of, **label_context).status == "not attempted"
