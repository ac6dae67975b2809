#!/usr/bin/env python3
"""Differential test of the shell: runs small scripts under `mosaic-box sh -c` and under the
host's dash (/bin/dash, Debian's POSIX sh) and compares stdout, exit status and (where the
case asks for it) stderr. EXPECT cases check fixed results where we intentionally differ from
dash or where dash is not the reference.

Usage: run_scripts.py MOSAIC_BOX [-v] [-k NAME_SUBSTRING]
"""

import os
import shutil
import subprocess
import sys
import tempfile

DASH = "/bin/dash"

# (name, script[, options]); options: stdin=str, stderr=True (compare stderr too).
CASES = [
    # Quoting.
    ("single quotes", r"""echo 'a  b' '$x' 'it''s'"""),
    ("double quotes", r"""x=1; echo "a  $x" "\$x" "\"" "\\" "a\b" "`echo bq`" """),
    ("backslash", r"""echo a\ b \$x \\ \' \" a\
b"""),
    ("empty args", r"""set -- "" a ""; echo $#; for a in "$@"; do echo "[$a]"; done"""),
    ("adjacent quotes", r"""x=b; echo a"$x"'c'd"e f"g"""),
    ("comments", "echo a # comment\n# full line\necho b#notcomment"),
    ("quoted reserved", r"""'if' 2>/dev/null; echo $?; "echo" ok"""),
    # Parameters.
    ("special params", r"""set -- a b c; echo $# $1 $3 ${3} "$*" $0; echo $?; false; echo $?"""),
    ("positional 10", r"""set -- 1 2 3 4 5 6 7 8 9 10 11; echo ${10} ${11} $10"""),
    ("dollar dash", r"""set -f; case $- in *f*) echo has f;; esac"""),
    ("default ops", r"""unset u; e=; v=val
echo "${u-d1}" "${e-d2}" "${e:-d3}" "${v:-d4}" "${u:-}"
echo "${u+a1}" "${e+a2}" "${e:+a3}" "${v:+a4}"
echo "${u=as1}" "$u"; echo "${e:=as2}" "$e"
"""),
    ("error op", r"""x=${unset_var?custom message}; echo notreached""", {"stderr": True}),
    ("error op colon", r"""e=; echo ${e:?}; echo notreached"""),
    ("length", r"""x=hello; echo ${#x} ${#} ${#unset}; set -- a b c; echo ${#}"""),
    ("prefix suffix", r"""p=/usr/local/lib/file.tar.gz
echo ${p#*/} ${p##*/} ${p%.*} ${p%%.*} ${p#nomatch} ${p%/*}
x='a*b*c'; echo "${x#*\*}" "${x%'*'*}"
"""),
    ("pattern quoted var", r"""x=abcabc; pat='b*'; echo ${x#a"$pat"} ${x#a$pat}"""),
    ("nested default", r"""unset a b; echo ${a:-${b:-deep}} "${a:-"q  q"}" ${a:-'s  s'}"""),
    ("dollar at", r"""set -- 'a b' c; for x in "$@"; do echo "<$x>"; done; for x in $@; do echo "[$x]"; done
for x in "$*"; do echo "{$x}"; done; set --; for x in "$@"; do echo no; done; echo "n=$#"
"""),
    ("at with prefix", r"""set -- a b; for x in "x$@y"; do echo "$x"; done"""),
    ("ifs split", r"""x=' a  b	c '; set -- $x; echo $#; IFS=:; y='a::b:'; set -- $y; echo $#; for i; do echo "[$i]"; done
IFS=' :'; z=' : a '; set -- $z; echo $#"""),
    ("ifs empty", r"""IFS=; x='a b'; set -- $x; echo $#"""),
    ("unset ifs", r"""unset IFS; x='a b	c'; set -- $x; echo $#"""),
    ("dollar star ifs", r"""set -- a b c; IFS=-; echo "$*"; IFS=; echo "$*" """),
    ("tilde", r"""HOME=/home/u; echo ~ ~/x "~" x~ ~nouser_hopefully; a=~/p; echo $a"""),
    ("dollar dollar", r"""test $$ -gt 0 && echo pid ok; (test $$ = "$(echo $$)") && echo same"""),
    # Command substitution.
    ("cmdsubst", r"""echo "$(echo a; echo b)" $(printf 'x\n\n\n') end"""),
    ("cmdsubst nested", r"""echo $(echo $(echo inner) "$(echo "q  q")")"""),
    ("cmdsubst quotes", r"""x="$(echo "a)b" 'c)d' "e\"f")"; echo "$x" """),
    ("cmdsubst case", r"""x=$(case a in (a) echo matched;; esac); echo $x"""),
    ("cmdsubst case bare", r"""x=$(case a in a) echo m;; esac); echo "$x $(case b in b) echo q;; esac)" ${u:-$(case c in c) echo d;; esac)}"""),
    ("backquote", r"""echo `echo a \`echo b\``; x=`echo '$HOME'`; echo $x"""),
    ("cmdsubst status", r"""x=$(exit 3); echo $?; x=$(true); echo $?"""),
    ("cmdsubst split", r"""set -- $(printf 'a b\nc'); echo $#"""),
    ("cmdsubst heredoc", "x=$(cat <<EOF\nin here\nEOF\n); echo \"$x\""),
    # Arithmetic.
    ("arith basic", r"""echo $((1+2*3)) $((10/3)) $((10%3)) $((-7/2)) $((2<<3)) $((-16>>2)) $((7&3)) $((5|2)) $((5^1))"""),
    ("arith compare", r"""echo $((1<2)) $((2<=1)) $((3>2)) $((3>=4)) $((1==1)) $((1!=1)) $((!0)) $((~5))"""),
    ("arith logic", r"""echo $((1&&0)) $((0||2)) $((1?10:20)) $((0?10:20)) $((0 && (x=5))) ${x:-unset}"""),
    ("arith vars", r"""a=5 b=3; echo $((a*b)) $(($a+b)) $((a+=2)) $a $((c=a-1)) $c $((a<<=1)) $a"""),
    ("arith hex oct", r"""echo $((0x1f)) $((010)) $((0xFF + 1))"""),
    ("arith nested", r"""x=2; echo $(( (x+1) * (x+2) )) $(( $(echo 3) + 4 ))"""),
    ("arith div zero", r"""echo $((1/0)); echo after"""),
    ("arith unset", r"""unset n; echo $((n+1))"""),
    # Here-documents.
    ("heredoc", "x=val\ncat <<EOF\nline $x\n\\$x `echo bq` $((1+1))\n  indented\nEOF\necho after"),
    ("heredoc quoted", "x=val\ncat <<'EOF'\nline $x `x`\nEOF\ncat <<\"E\"\n$x\nE"),
    ("heredoc dash", "cat <<-EOF\n\tone\n\t\ttwo\n\tEOF\necho done"),
    ("heredoc two", "cat <<A; cat <<B\na\nA\nb\nB"),
    ("heredoc in func", "f() {\ncat <<EOF\nfunc $1\nEOF\n}\nf x; f y"),
    ("heredoc pipe", "cat <<EOF | tr a-z A-Z\nshout\nEOF"),
    ("heredoc big", "i=0; { while [ $i -lt 2000 ]; do echo \"line $i\"; i=$((i+1)); done; } > big.txt\n"
     "x=$(cat big.txt)\ncat <<EOF | tail -n 2\n$x\nEOF"),
    # Pipelines and lists.
    ("pipeline", r"""echo hello | tr a-z A-Z | tr H J"""),
    ("pipeline status", r"""false | true; echo $?; true | false; echo $?; ! true; echo $?; ! false | false; echo $?"""),
    ("pipeline builtin", r"""echo a b | { read x y; echo "$y $x"; }; echo x | while read l; do echo "got $l"; done"""),
    ("pipeline subshell var", r"""x=1; echo 2 | read x; echo $x"""),
    ("and or", r"""true && echo a || echo b; false && echo c || echo d; false || false || echo e; true && false && echo f; echo $?"""),
    ("async wait", r"""sleep 0.1 & p=$!; wait $p; echo "st=$?"; (exit 7) & wait $!; echo $?"""),
    ("async order", r"""{ sleep 0.2; echo late; } & echo early; wait"""),
    ("wait all", r"""(sleep 0.1; echo one) & (echo two) & wait; echo done"""),
    ("semicolon newline", "echo a;echo b\n\necho c ; ; echo d", {}),
    # Redirections.
    ("redir out", r"""echo one > f; echo two >> f; cat f; cat < f | wc -l"""),
    ("redir fd", r"""echo err 1>&2; echo out 2>&1; { echo a; echo b >&2; } 2>&1 | tr ab xy"""),
    ("redir err file", r"""ls /nonexistent_dir_x 2>e.txt; echo $?; test -s e.txt && echo has err"""),
    ("redir close", r"""{ echo closed >&3; } 3>&- 2>/dev/null; echo $?"""),
    ("redir readwrite", r"""echo data > rw; cat 0<>rw"""),
    ("redir noclobber", r"""echo a > nc; set -C; echo b > nc; echo $?; echo c >| nc; cat nc"""),
    ("redir order", r"""{ echo to_err >&2; } 2>&1 >/dev/null | tr a-z A-Z"""),
    ("redir missing", r"""cat < /nonexistent/x; echo $?""", {"stderr": True}),
    ("redir brace", r"""{ echo in; echo brace; } > bf; cat bf; while read l; do echo "r:$l"; done < bf"""),
    ("exec redir", r"""exec 3>ex.txt; echo via3 >&3; exec 3>&-; cat ex.txt"""),
    ("exec fd dup", r"""exec 4>&1; echo four >&4"""),
    ("redir on builtin restore", r"""echo x > /dev/null; echo visible"""),
    # Control flow.
    ("if elif", r"""for v in 1 2 3; do if [ $v = 1 ]; then echo one; elif [ $v = 2 ]; then echo two; else echo other; fi; done"""),
    ("while until", r"""i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo $i; done; until [ $i -eq 0 ]; do i=$((i-1)); done; echo $i"""),
    ("break continue", r"""for i in 1 2 3 4 5; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done
for i in a b; do for j in 1 2; do [ $j = 2 ] && continue 2; echo $i$j; done; done
for i in a b; do while true; do break 2; done; echo no; done; echo out"""),
    ("for no in", r"""set -- x y; for a; do echo $a; done"""),
    ("for glob", r"""touch g1 g2 g3; for f in g*; do echo $f; done"""),
    ("case", r"""for w in apple banana cherry 42 '*'; do case $w in a*|b*) echo "ab $w";; [0-9]*) echo num;; \*) echo star;; *) echo other;; esac; done"""),
    ("case quoted pattern", r"""x='a*'; case abc in "$x") echo lit;; $x) echo glob;; esac; case 'a*' in "$x") echo lit2;; esac"""),
    ("case empty", r"""case x in y) ;; esac; echo $?; case a in a) ;; esac; echo st=$?"""),
    ("case multiline", "case foo in\n  f*)\n    echo first\n    ;;\n  *)\n    echo second\nesac"),
    ("loop status", r"""while false; do :; done; echo $?; for i in; do :; done; echo $?"""),
    ("nested compound", r"""if { true; }; then (if false; then :; else echo deep; fi); fi"""),
    # Functions.
    ("function basic", r"""f() { echo "args: $# $*"; return 3; }; f a b; echo $?; echo "$#" """),
    ("function recursion", r"""fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }; fact 6"""),
    ("function positional restore", r"""set -- outer; f() { set -- inner; echo $1; }; f; echo $1"""),
    ("function local", r"""x=g; f() { local x=l; echo $x; g; }; g() { echo "g sees $x"; }; f; echo $x"""),
    ("function redefine", r"""f() { echo one; f() { echo two; }; }; f; f"""),
    ("function redirect", r"""f() { echo in f; } > fo; f; cat fo"""),
    ("function unset", r"""f() { echo f; }; unset -f f; f 2>/dev/null; echo $?"""),
    ("function vars global", r"""f() { y=set_in_f; }; f; echo $y"""),
    ("return in loop", r"""f() { for i in 1 2 3; do [ $i = 2 ] && return $i; done; }; f; echo $?"""),
    # Builtins.
    ("echo escapes", r"""echo 'a\tb\nc' '\0101' 'x\cy'; echo -n n; echo; echo -e x"""),
    ("export", r"""export A=1; sh -c 'echo $A'; B=2; sh -c 'echo ${B:-unset}'; export B; sh -c 'echo $B'"""),
    ("export p", r"""export ZZTOP='a b'; export -p | grep ZZTOP"""),
    ("prefix assign", r"""X=1 sh -c 'echo $X'; echo "${X:-none}"; X=2 true; echo "${X:-none}" """),
    ("unset", r"""x=1; unset x; echo "${x-gone}"; readonly r=1; unset r 2>/dev/null; echo $r"""),
    ("readonly", r"""readonly x=1; x=2 2>/dev/null; echo $x"""),
    ("set params", r"""set -- a b c; shift; echo $@; shift 2; echo $#; set -- x; echo $1"""),
    ("set list", r"""zvar='it'"'"'s'; set | grep '^zvar='"""),
    ("shift error", r"""set -- a; shift 2; echo $?"""),
    ("read", r"""printf 'a b c\nd e\n' | { read x y; echo "$x|$y"; read p; echo "$p"; }"""),
    ("read raw", r"""printf 'a\\ b\\\nc\n' | { read x; echo "$x"; }; printf 'a\\ b\n' | { read -r x; echo "$x"; }"""),
    ("read ifs", r"""echo 'a:b:c' | { IFS=: read x y; echo "$x|$y"; }; echo '  lead  trail  ' | { read v; echo "[$v]"; }"""),
    ("read eof", r"""printf 'noeol' | { read x; echo "$? $x"; }; read y < /dev/null; echo $?"""),
    ("read loop stdin", "while read line; do echo \"L:$line\"; done", {"stdin": "one\ntwo\nthree\n"}),
    ("test strings", r"""[ a = a ] && echo 1; [ a != b ] && echo 2; [ -n "" ] || echo 3; [ -z "" ] && echo 4; [ "" ] || echo 5; [ x ] && echo 6"""),
    ("test numbers", r"""[ 1 -eq 1 ] && echo a; [ 2 -ne 2 ] || echo b; [ 1 -lt 2 ] && echo c; [ 3 -le 2 ] || echo d; [ 3 -gt 2 ] && echo e; [ 2 -ge 2 ] && echo f"""),
    ("test files", r"""touch tf; mkdir -p td; ln -sf tf tl; [ -e tf ] && echo e; [ -f tf ] && echo f; [ -d td ] && echo d; [ -s tf ] || echo s; [ -L tl ] && echo L; [ -h tl ] && echo h; [ -r tf ] && echo r; [ -w tf ] && echo w; [ -x td ] && echo x; [ -c /dev/null ] && echo c; [ -p tf ] || echo p; [ -t 7 ] || echo t"""),
    ("test logic", r"""[ ! a = b ] && echo 1; [ a = a -a b = b ] && echo 2; [ a = b -o b = b ] && echo 3; [ \( a = b \) -o \( c = c \) ] && echo 4; test ! -e /nonexist && echo 5"""),
    ("test edge", r"""test; echo $?; test -n; echo $?; [ = ]; echo $?; [ -f = -f ]; echo $?; [ ! ]; echo $?"""),
    ("test error", r"""[ 1 -eq x ]; echo $?; [ a = ]; echo $?"""),
    ("type", r"""type echo; type cd; f() { :; }; type f; type if; type nonexistent_cmd_xyz; echo $?"""),
    ("command v", r"""command -v echo; command -v cat; f() { :; }; command -v f; command -v nonexist_zz; echo $?"""),
    ("command skips func", r"""echo() { printf 'func\n'; }; echo x; command echo real"""),
    ("alias", "alias ll='echo aliased'\nll one\nalias ll\nunalias ll\nll 2>/dev/null; echo $?"),
    ("eval", r"""x='echo evaluated'; eval $x; eval 'y=5; echo $y'; eval "a=1" "b=2"; echo $a$b"""),
    ("dot", r"""echo 'echo sourced $1; sv=1' > inc.sh; . ./inc.sh; echo $sv"""),
    ("dot return", r"""printf 'echo a\nreturn 4\necho b\n' > r.sh; . ./r.sh; echo $?"""),
    ("cd pwd", r"""mkdir -p d1/d2; cd d1/d2; basename "$(pwd)"; cd ..; basename "$PWD"; cd -  >/dev/null; basename "$PWD"; cd ../..; cd d1/../d1; basename $PWD"""),
    ("cd fail", r"""cd /nonexistent_dir; echo $?"""),
    ("exit status", r"""(exit 300); echo $?; (exit 255); echo $?"""),
    ("true false colon", r"""true; echo $?; false; echo $?; :; echo $?"""),
    ("trap exit", r"""trap 'echo bye' EXIT; echo hi"""),
    ("trap exit on exit", r"""trap 'echo bye $?' EXIT; exit 5"""),
    ("trap signal", r"""trap 'echo got USR1' USR1; kill -USR1 $$; echo after"""),
    ("trap list", r"""trap 'echo x' INT; trap; trap - INT; trap; echo done"""),
    ("trap ignore", r"""trap '' TERM; kill -TERM $$; echo survived"""),
    ("trap subshell reset", r"""trap 'echo parent' EXIT; (echo sub); echo main"""),
    ("kill l", r"""kill -l 9; kill -l 143"""),
    ("getopts", r"""set -- -a -b val -c rest; while getopts ab:c o; do echo "$o ${OPTARG-}"; done; echo $OPTIND; shift $((OPTIND-1)); echo $1"""),
    ("getopts bad", r"""set -- -x; getopts ab o 2>/dev/null; echo "$o"; OPTIND=1; getopts :ab o; echo "$o $OPTARG" """),
    ("umask", r"""umask 027; umask; umask 022; umask"""),
    # set -e / -u / -x / -f.
    ("set e", r"""set -e; true; false; echo notreached"""),
    ("set e exempt", r"""set -e; if false; then :; fi; false || true; ! true; false && true; while false; do :; done; echo survived"""),
    ("set e andor last", r"""set -e; true && false; echo notreached"""),
    ("set e subshell", r"""set -e; (false); echo notreached"""),
    ("set e func", r"""set -e; f() { false; echo in f; }; f; echo notreached"""),
    ("set e pipeline", r"""set -e; false | true; echo ok; true | false; echo notreached"""),
    ("set u", r"""set -u; x=1; echo $x; echo $undefined_v; echo notreached"""),
    ("set u at", r"""set -u; echo "$@" ok"""),
    ("set x", r"""set -x; echo traced; x=1"""),
    ("set f", r"""touch sf1; set -f; echo sf*; set +f; echo sf*"""),
    ("set o", r"""set -o errexit; case $- in *e*) echo on;; esac; set +o errexit; case $- in *e*) echo still;; *) echo off;; esac"""),
    # Globbing.
    ("glob", r"""touch b.c a.c .hidden c.h; echo *.c; echo *; echo .h*; echo [ab].c; echo ?.h; echo nomatch*; echo "*.c" '*'"""),
    ("glob dirs", r"""mkdir -p gd/x gd/y; touch gd/x/f1 gd/y/f2; echo gd/*/f*; echo gd/*/; echo */x"""),
    ("glob escaped", r"""touch 'q*'; echo q\*; echo 'q'*; x='q*'; echo $x "$x" """),
    ("glob class", r"""touch a1 b2 c3; echo [!a]?; echo [a-b]*; echo [[:digit:]]* """),
    # Subshell isolation.
    ("subshell isolation", r"""x=1; (x=2; y=3; cd /; echo "in $x $y"); echo "out $x ${y-unset}"; basename "$PWD" | grep -q . && echo cwd kept"""),
    ("subshell func isolation", r"""(f() { echo f; }); f 2>/dev/null || echo no f"""),
    ("subshell exit", r"""(exit 4); echo $?; (echo in; exit 2; echo no); echo $?"""),
    ("brace no isolation", r"""x=1; { x=2; }; echo $x"""),
    # External commands.
    ("not found", r"""nonexistent_command_xyz; echo $?""", {"stderr": True}),
    ("not executable", r"""echo 'echo hi' > ne.sh; chmod -x ne.sh; ./ne.sh; echo $?"""),
    ("script without shebang", r"""printf 'echo script $1 $X\nexit 3\n' > ns; chmod +x ns; export X=e; ./ns a; echo $?"""),
    ("path lookup", r"""PATH=/nonexistent; ls 2>/dev/null; echo $?"""),
    ("signal status", r"""sh -c 'kill -TERM $$'; echo $?"""),
    ("var in env", r"""A=x env | grep '^A='; unset PATH; echo done"""),
    # Misc syntax.
    ("line continuation", "echo a\\\nb; ec\\\nho joined"),
    ("long pipe newline", "echo x |\n tr x y &&\n echo z"),
    ("keywords as args", r"""echo if then fi do done { }"""),
    ("assign only status", r"""x=$(false); echo $?; x=1 y=$(exit 2); echo $?"""),
    ("brace group redirect", r"""{ echo a; echo b; } | wc -l"""),
    ("syntax error", r"""echo before; if then; echo after"""),
    ("unterminated quote", "echo 'abc"),
    ("many commands", r"""i=0; while [ $i -lt 300 ]; do i=$((i+1)); x=$(echo $i); done; echo $x"""),
    ("function in pipeline", r"""f() { while read l; do echo "f:$l"; done; }; printf 'a\nb\n' | f | tr f g"""),
    ("io number", r"""echo x 2>/dev/null 1>&2; echo y 3>/dev/null"""),
]

# Cases where our result is fixed rather than dash's: (name, script, stdout, status).
EXPECT = [
    ("help lists builtins", "help | grep -c '^  cd '", "1\n", 0),
    ("history empty", "history", "", 0),
    ("exec external", "exec sh -c 'exit 6'; echo notreached", "", 6),
    ("exec not found", "exec /nonexistent/cmd 2>/dev/null; echo notreached", "", 127),
    ("jobs lists background", "sleep 1 & jobs > j.txt; sed 's/ *sleep/ sleep/' j.txt; kill %1; wait",
     "[1]+ Running sleep 1\n", 0),
    ("kill job", "sleep 5 & kill %1; wait %1; echo $?", "143\n", 0),
    ("deep nesting rejected",
     "x=1; " + "(" * 120 + "echo no" + ")" * 120 + "; echo $?", "", 2),
]


def run(cmd, script, stdin, cwd, env):
    """Runs `cmd -c script`; cmd[0] is the executable, run with argv[0] "sh" as scripts see."""
    try:
        p = subprocess.run(["sh"] + cmd[1:] + ["-c", script], executable=cmd[0],
                           input=stdin.encode(), cwd=cwd, env=env, capture_output=True,
                           timeout=20)
        return p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"), p.returncode
    except subprocess.TimeoutExpired:
        return "<timeout>", "", -1


def normalize_stderr(text):
    # dash says "sh: 1: msg" (argv0 "sh"); so do we.
    return text


def main():
    box = os.path.abspath(sys.argv[1])
    verbose = "-v" in sys.argv
    only = sys.argv[sys.argv.index("-k") + 1] if "-k" in sys.argv else None
    if not os.path.exists(DASH):
        print("dash not found; skipping the differential part")
    tmp = tempfile.mkdtemp(prefix="mosaic-sh-test-")
    bindir = os.path.join(tmp, "bin")
    os.mkdir(bindir)
    # `sh` inside scripts is our shell (a symlink to mosaic-box); dash runs its own scripts' sh
    # as dash.
    os.symlink(box, os.path.join(bindir, "sh"))
    dashbin = os.path.join(tmp, "dashbin")
    os.mkdir(dashbin)
    os.symlink(DASH, os.path.join(dashbin, "sh"))
    failures = 0
    count = 0
    for case in CASES:
        name, script = case[0], case[1]
        opts = case[2] if len(case) > 2 else {}
        if only and only not in name:
            continue
        count += 1
        results = []
        for shell_cmd, extra_path in (([box], bindir), ([DASH], dashbin)):
            work = os.path.join(tmp, "work")
            shutil.rmtree(work, ignore_errors=True)
            os.mkdir(work)
            env = {"PATH": extra_path + ":/usr/bin:/bin", "HOME": work, "LC_ALL": "C"}
            results.append(run(shell_cmd, script, opts.get("stdin", ""), work, env))
        (out, err, rc), (dout, derr, drc) = results
        ok = out == dout and rc == drc
        if opts.get("stderr"):
            ok = ok and normalize_stderr(err) == normalize_stderr(derr)
        if not ok:
            failures += 1
            print(f"FAIL {name}\n  script: {script!r}\n  ours: {out!r} rc={rc} err={err!r}\n"
                  f"  dash: {dout!r} rc={drc} err={derr!r}")
        elif verbose:
            print(f"ok   {name}")
    for name, script, want_out, want_rc in EXPECT:
        if only and only not in name:
            continue
        count += 1
        work = os.path.join(tmp, "work")
        shutil.rmtree(work, ignore_errors=True)
        os.mkdir(work)
        env = {"PATH": bindir + ":/usr/bin:/bin", "HOME": work, "LC_ALL": "C"}
        out, err, rc = run([box], script, "", work, env)
        if out != want_out or rc != want_rc:
            failures += 1
            print(f"FAIL {name}\n  script: {script!r}\n  ours: {out!r} rc={rc} err={err!r}\n"
                  f"  want: {want_out!r} rc={want_rc}")
        elif verbose:
            print(f"ok   {name}")
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"{count - failures}/{count} cases passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
