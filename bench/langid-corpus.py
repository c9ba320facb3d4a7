"""Builds the language-identification corpora that bench/langid.ts measures, from text installed
on this machine, into a directory given as the first argument (nothing of it is kept in the repo):

  py_en.json      English sentences (20-300 characters) from the first paragraph of the Python
                  standard library's docstrings (/usr/lib/python3.*), skipping code-like text
  mo_en.json      English messages (msgid) of the gettext catalogues in /usr/share/locale
  mo_<lang>.json  their translations (msgstr), up to 400 per language: non-English text

Both are prose-filtered: at least four words, starting with a capital letter, mostly lowercase
words, no code punctuation. Deterministic for a given machine (fixed seed, sorted input).

  python3 bench/langid-corpus.py /tmp/langid
"""
import ast, gettext, glob, json, os, random, re, sys

LANGS = "af ca cs da de es et fi fr hr hu id it lt lv nb nl pl pt ro ru sk sl sq sv tl tr vi".split()
CODE = re.compile(r"[(){}\[\]=<>_*`#|\\/@$%]|\.\w|\w\.\w|>>>|::|--")


def prose(s):
    words = re.findall(r"[A-Za-z']+", s)
    lower = sum(1 for w in words if w[0].islower())
    return (20 <= len(s) <= 300 and len(s.split()) >= 4 and re.match(r"^[A-Z][a-z]", s) is not None
            and not CODE.search(s) and lower * 2 >= len(words))


def docstrings():
    out = set()
    for root in sorted(glob.glob("/usr/lib/python3.*")):
        for dirpath, dirs, files in os.walk(root):
            dirs.sort()
            if re.search(r"test|site-packages|dist-packages", dirpath):
                continue
            for name in sorted(files):
                if not name.endswith(".py"):
                    continue
                try:
                    tree = ast.parse(open(os.path.join(dirpath, name), encoding="utf-8").read())
                except (SyntaxError, UnicodeDecodeError, OSError, ValueError):
                    continue
                for node in ast.walk(tree):
                    if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                        doc = ast.get_docstring(node)
                        if doc:
                            first = re.sub(r"\s+", " ", doc.split("\n\n")[0]).strip()
                            out.update(s for s in re.split(r"(?<=[.!?])\s+", first) if prose(s))
    return sorted(out)


def clean(s):
    s = re.sub(r"%[-#0-9.*]*[a-zA-Z]|\{[^}]*\}|<[^>]*>|_(?=\w)|&(?=\w)|\\[nt]", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def catalogues():
    english, foreign = set(), {}
    for lang in LANGS:
        found = set()
        for path in sorted(glob.glob(f"/usr/share/locale/{lang}/LC_MESSAGES/*.mo")):
            try:
                with open(path, "rb") as f:
                    catalog = gettext.GNUTranslations(f)._catalog
            except (OSError, ValueError, UnicodeDecodeError):
                continue
            for key, value in catalog.items():
                if not isinstance(key, str) or not isinstance(value, str) or not key:
                    continue
                en, other = clean(key.split("\x04")[-1]), clean(value)
                if prose(en):
                    english.add(en)
                if other != en and 20 <= len(other) <= 300 and len(other.split()) >= 4 and not CODE.search(other):
                    found.add(other)
        foreign[lang] = sorted(found)
    return sorted(english), foreign


def sample(items, n, seed):
    items = list(items)
    random.Random(seed).shuffle(items)
    return items[:n]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/langid"
    os.makedirs(out, exist_ok=True)
    py = sample(docstrings(), 6000, 1)
    english, foreign = catalogues()
    json.dump(py, open(os.path.join(out, "py_en.json"), "w"))
    json.dump(sample(english, 6000, 2), open(os.path.join(out, "mo_en.json"), "w"))
    for lang, items in foreign.items():
        if items:
            json.dump(sample(items, 400, 3), open(os.path.join(out, f"mo_{lang}.json"), "w"))
    print(f"{out}: {len(py)} docstring sentences, {min(len(english), 6000)} catalogue messages, "
          f"{sum(min(len(v), 400) for v in foreign.values())} translations in {sum(1 for v in foreign.values() if v)} languages")


main()
