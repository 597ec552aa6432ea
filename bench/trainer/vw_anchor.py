"""Vowpal Wabbit anchor of the trainer bench (bench/trainer/vowpal-wabbit.ts calls it).

Reads the bench's split files (fastText format: "__label__<0|1> tok tok ...", our tokens),
builds every VW example string in memory first, then times only the learn() loop of one
pass (labels -1/+1, logistic loss, bigrams), so process start and file parsing are not
counted, as for every contender. One untimed warm-up pass comes first, as for reviewflow.
Predicts the test split untimed and prints one JSON object on stdout.

    python3 vw_anchor.py --train train.txt --test test.txt [--timed-passes 5]
"""
import argparse
import json
import statistics
import sys
import time

VW_ARGS = "--loss_function logistic --ngram 2 -b 24 --quiet"
INSTALL_HINT = "install with: bash scripts/bench-setup.sh (pip install vowpalwabbit)"


def emit(result):
    print(json.dumps(result))


def read_split(path):
    """[(label 0|1, [tokens])] from a fastText-format file."""
    rows = []
    with open(path, encoding="utf-8", newline="\n") as f:
        for line in f:
            label, _, text = line.rstrip("\n").partition(" ")
            rows.append((1 if label == "__label__1" else 0, text.split(" ") if text else []))
    return rows


def features(tokens):
    # ':' separates a feature's value and '|' a namespace in VW's format; our tokenizer
    # never emits '_', so these stand-ins cannot collide with a real token.
    return " ".join(t.replace(":", "_colon_").replace("|", "_pipe_") for t in tokens)


def one_pass(workspace_class, examples):
    workspace = workspace_class(VW_ARGS)
    started = time.perf_counter()
    for example in examples:
        workspace.learn(example)
    return workspace, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--timed-passes", type=int, default=1)
    args = parser.parse_args()
    try:
        import vowpalwabbit
        from vowpalwabbit import Workspace
    except ImportError as err:
        emit({"status": "missing", "reason": f"python3 cannot import vowpalwabbit ({err}); {INSTALL_HINT}"})
        return
    train = read_split(args.train)
    test = read_split(args.test)
    train_examples = [f"{1 if label == 1 else -1} |t {features(tokens)}" for label, tokens in train]
    test_examples = [f"|t {features(tokens)}" for _, tokens in test]

    one_pass(Workspace, train_examples)[0].finish()
    seconds = []
    workspace = None
    for _ in range(args.timed_passes):
        if workspace is not None:
            workspace.finish()
        workspace, s = one_pass(Workspace, train_examples)
        seconds.append(s)

    # With logistic loss and no link function the prediction is the margin: its sign is the class.
    correct = sum(1 for (label, _), example in zip(test, test_examples) if (workspace.predict(example) > 0) == (label == 1))
    workspace.finish()
    emit(
        {
            "status": "ok",
            "version": getattr(vowpalwabbit, "__version__", "unknown"),
            "args": VW_ARGS,
            "trainSeconds": statistics.median_low(seconds),
            "passSeconds": seconds,
            "trainExamples": len(train),
            "testExamples": len(test),
            "accuracy": correct / len(test) if test else None,
        }
    )


if __name__ == "__main__":
    sys.exit(main())
