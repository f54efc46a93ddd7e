"""Writes the config key lists the recipe export is checked against (src/rl/recipe/schemas/*.json).

Run from the repo root with the three repositories checked out (git directories are enough):
  python3 scripts/bridge/schema_keys.py VERL_GIT RECIPE_GIT EASYR1_GIT
It reads each at a named commit, so the lists say exactly which version they describe:
  - verl: the flattened Hydra config verl generates from ppo_trainer.yaml;
  - verl-recipe: the keys the DAPO recipe adds on top of it (dapo/config/dapo_trainer.yaml);
  - EasyR1: the init fields of its config dataclasses, from PPOConfig down (what its OmegaConf merge accepts).
"""

import ast
import json
import subprocess
import sys

import yaml

VERL_COMMIT = "b178a3cd56f58b2d502255daba591e92833930a7"
RECIPE_COMMIT = "48ea0a797fa29867ea0ad92aff7d284eec7d4be3"
EASYR1_COMMIT = "b44b311b669bf1fd1aa2fc36f2251482ba33cb16"


def show(git_dir, commit, path):
    return subprocess.check_output(["git", "--git-dir", git_dir, "show", f"{commit}:{path}"], text=True)


def required_leaves(node, prefix=""):
    """Dotted keys whose value is Hydra's "???": the run stops unless they are set."""
    out = []
    for k, v in node.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out += required_leaves(v, key + ".")
        elif v == "???":
            out.append(key)
    return out


def yaml_leaves(node, prefix=""):
    """Dotted keys of every leaf (a scalar or a list) of a YAML mapping; Hydra's own keys are left out."""
    out = []
    for k, v in node.items():
        if k in ("_target_", "defaults", "hydra"):
            continue
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            out += yaml_leaves(v, key + ".")
        else:
            out.append(key)
    return out


def dataclasses_of(source):
    """Class name -> [(field, nested class or None)] for the init fields of each dataclass in a file."""
    classes = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        fields = []
        for st in node.body:
            if not isinstance(st, ast.AnnAssign) or not isinstance(st.target, ast.Name):
                continue
            nested, init = None, True
            if isinstance(st.value, ast.Call) and getattr(st.value.func, "id", "") == "field":
                for kw in st.value.keywords:
                    if kw.arg == "default_factory" and isinstance(kw.value, ast.Name):
                        nested = kw.value.id
                    if kw.arg == "init" and isinstance(kw.value, ast.Constant) and kw.value.value is False:
                        init = False
            if init:
                fields.append((st.target.id, nested))
        classes[node.name] = fields
    return classes


def main():
    verl, recipe, easyr1 = sys.argv[1:4]
    out = "src/rl/recipe/schemas/"

    path = "verl/trainer/config/_generated_ppo_trainer.yaml"
    doc = yaml.safe_load(show(verl, VERL_COMMIT, path))
    write(out + "verl.json", "volcengine/verl", VERL_COMMIT, [path], yaml_leaves(doc), required_leaves(doc))

    path = "dapo/config/dapo_trainer.yaml"
    keys = yaml_leaves(yaml.safe_load(show(recipe, RECIPE_COMMIT, path)))
    write(out + "verl-dapo.json", "verl-project/verl-recipe", RECIPE_COMMIT, [path], keys)

    files = [
        "verl/trainer/config.py",
        "verl/workers/config.py",
        "verl/workers/actor/config.py",
        "verl/workers/critic/config.py",
        "verl/workers/reward/config.py",
        "verl/workers/rollout/config.py",
    ]
    classes = {}
    for f in files:
        for name, fields in dataclasses_of(show(easyr1, EASYR1_COMMIT, f)).items():
            if name in classes and classes[name] != fields:
                raise SystemExit(f"two different dataclasses named {name}")
            classes[name] = fields

    def leaves(cls, prefix):
        res = []
        for name, nested in classes[cls]:
            if nested and nested in classes:
                res += leaves(nested, f"{prefix}{name}.")
            else:
                res.append(f"{prefix}{name}")
        return res

    write(out + "easyr1.json", "hiyouga/EasyR1", EASYR1_COMMIT, files, leaves("PPOConfig", ""))


def write(path, repo, commit, files, keys, required=()):
    doc = {"repo": repo, "commit": commit, "files": files, "keys": sorted(set(keys))}
    if required:
        doc["required"] = sorted(set(required))
    with open(path, "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    print(f"{path}: {len(doc['keys'])} keys")


if __name__ == "__main__":
    main()
