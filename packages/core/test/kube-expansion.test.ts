import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kubeArg, kubeArgLiteral, kubeEnvRef } from "../src/index.js";
import { kubeletExpand, mappingFor } from "./upstream-kubelet-expansion.js";

const ENV = { POD_NAME: "thanos-receive-0", POD_IP: "10.0.0.7", HOSTNAME: "node-a" };
const expand = (text: string) => kubeletExpand(text, mappingFor(ENV));

describe("the port of the kubelet's $(VAR) expansion (checked against the upstream source, not a kubelet)", () => {
  // Cases of Kubernetes' third_party/forked/golang/expansion/expand_test.go.
  const context = {
    VAR_A: "A",
    VAR_B: "B",
    VAR_C: "C",
    VAR_REF: "$(VAR_A)",
    VAR_EMPTY: "",
  };
  it.each([
    ["$(VAR_A)", "A"],
    ["___$(VAR_B)___", "___B___"],
    ["$$(VAR_B)_$(VAR_A)", "$(VAR_B)_A"],
    ["$$(VAR_A)_$$(VAR_B)", "$(VAR_A)_$(VAR_B)"],
    ["f000-$$VAR_A", "f000-$VAR_A"],
    ["foo\\$(VAR_C)bar", "foo\\Cbar"],
    ["$(VAR_A$(VAR_B))", "$(VAR_A$(VAR_B))"],
    ["$(VAR_REF)", "$(VAR_A)"],
    ["foo$(VAR_EMPTY)bar", "foobar"],
    ["foo$(VAR_Awhoops!", "foo$(VAR_Awhoops!"],
    ["$?_boo_$!", "$?_boo_$!"],
    ["$VAR_A", "$VAR_A"],
    ["$(VAR_DNE)", "$(VAR_DNE)"],
    ["$$$$$$(BIG_MONEY)", "$$$(BIG_MONEY)"],
    ["$$$$$$$(GOOD_ODDS)", "$$$$(GOOD_ODDS)"],
    ["$$$$$$$(VAR_A)", "$$$A"],
    ["${VAR_A}", "${VAR_A}"],
    ["$(VAR_C)_______$(", "C_______$("],
    ["$(VAR_A)foobarzab$", "Afoobarzab$"],
    ["--$($($($($--", "--$($($($($--"],
    ["$(foo$$var)", "$(foo$$var)"],
  ])("%j expands to %j", (input, expected) => {
    expect(kubeletExpand(input, mappingFor(context))).toBe(expected);
  });
});

describe("kubeArg and kubeArgLiteral (checked against the upstream source, not a kubelet)", () => {
  it("an interpolated value reaches the process as written; the template and references stay", () => {
    const arg = kubeArg`--label=cluster=${JSON.stringify("a$(HOSTNAME)b")}`;
    expect(arg).toBe('--label=cluster="a$$(HOSTNAME)b"');
    expect(expand(arg)).toBe('--label=cluster="a$(HOSTNAME)b"');
    const ref = kubeArg`--label=replica="${kubeEnvRef("POD_NAME")}"`;
    expect(ref).toBe('--label=replica="$(POD_NAME)"');
    expect(expand(ref)).toBe('--label=replica="thanos-receive-0"');
  });

  it("only a $ the kubelet would read as an operator is doubled", () => {
    expect(kubeArg`--x=${"^/(dev|proc)($|/)"}`).toBe("--x=^/(dev|proc)($|/)");
    expect(kubeArg`--x=${"^(a|b)$"}`).toBe("--x=^(a|b)$");
    // The first $ is followed by a $, the last ends the arg (the kubelet keeps a final $).
    expect(kubeArg`--x=${"$$"}`).toBe("--x=$$$");
    expect(expand(kubeArg`--x=${"$$"}`)).toBe("--x=$$");
    // A value's last $ before the template's own text or a reference.
    expect(kubeArg`${"a$"}(b)`).toBe("a$$(b)");
    expect(kubeArg`${"a$"}${kubeEnvRef("POD_IP")}`).toBe("a$$$(POD_IP)");
    expect(expand(kubeArg`${"a$"}${kubeEnvRef("POD_IP")}`)).toBe("a$10.0.0.7");
  });

  it("round-trips any text between any template text and references", () => {
    const text = fc.string({ unit: fc.constantFrom("$", "(", ")", "a", "P", "O", "_", "\\", "é") });
    fc.assert(
      fc.property(text, text, (s, t) => {
        expect(expand(kubeArgLiteral(s))).toBe(s);
        expect(expand(kubeArg`--a=${s}`)).toBe(`--a=${s}`);
        expect(expand(kubeArg`x${s}${kubeEnvRef("POD_NAME")}${t}(y)`)).toBe(
          `x${s}thanos-receive-0${t}(y)`,
        );
        expect(expand(kubeArg`${s}$(POD_IP)${t}`)).toBe(`${s}10.0.0.7${t}`);
      }),
    );
  });

  it("refuses a reference to something that is not an env var name", () => {
    expect(() => kubeEnvRef("A)B")).toThrow(/not an env var name/);
  });
});
