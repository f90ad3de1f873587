// The popup's pure parts: three clicks or fewer, Shift x3 in five seconds, safe links.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ADULT_CONCERNS, bandsFor } from "../../extension/lib/flow.js";
import { phoneLink, siteName } from "../../extension/lib/contact.js";
import { openNoteRequest } from "../../extension/lib/native.js";
import { route } from "../../extension/lib/engine.js";
import { engineAnswers, screenFor, stepBack } from "../../extension/lib/flow.js";
import { pageHost, safeHttpsUrl } from "../../extension/lib/links.js";
import { tripleShift } from "../../extension/lib/triple-shift.js";
import { knowledgeBase } from "./knowledge.mjs";

const kb = knowledgeBase();

describe("three clicks or fewer", () => {
  for (const audience of ["young-person", "parent-carer", "professional"]) {
    const concerns = kb.concerns.concerns.filter((c) => c.audiences.includes(audience));
    for (const band of bandsFor(audience)) {
      test(`${audience}, ${band.id}: every concern reaches routes in 3 clicks`, () => {
        for (const concern of concerns) {
          let answers = { audience: null, ageBand: null, concern: null };
          const clicks = [
            () => (answers = { ...answers, audience }),
            () => (answers = { ...answers, concern: concern.id }),
            () => (answers = { ...answers, ageBand: band.id }),
          ];
          for (const click of clicks) {
            if (screenFor(answers) !== "routes") click();
          }
          assert.equal(screenFor(answers), "routes");
          const result = route(engineAnswers(answers, null), kb);
          assert.ok(result.routes.length > 0, `${concern.id} has no route`);
        }
      });
    }
  }
  test("remembered audience and age band skip straight to the concern, then the routes", () => {
    assert.equal(screenFor({ audience: "parent-carer", ageBand: "13-17", concern: null }), "concern");
    assert.equal(screenFor({ audience: "parent-carer", ageBand: "13-17", concern: "grooming" }), "routes");
  });
  test("the concern comes before the age", () => {
    assert.equal(screenFor({ audience: "young-person", ageBand: null, concern: null }), "concern");
    assert.equal(screenFor({ audience: "young-person", ageBand: null, concern: "sextortion" }), "age");
  });
  test("the child's age is not asked for a concern about an adult", () => {
    assert.deepEqual([...ADULT_CONCERNS].sort(), ["adult-viewing-csam", "colleague-allegation"]);
    for (const concern of ADULT_CONCERNS) {
      const answers = { audience: "professional", ageBand: null, concern };
      assert.equal(screenFor(answers), "routes");
      assert.equal(engineAnswers({ ...answers, ageBand: "13-17" }, null).age, null);
      assert.equal(screenFor(stepBack(answers)), "concern");
    }
  });
  test("back undoes one answer at a time", () => {
    let a = { audience: "professional", ageBand: "not-sure", concern: "grooming" };
    a = stepBack(a);
    assert.equal(screenFor(a), "age");
    a = stepBack(a);
    assert.equal(screenFor(a), "concern");
    a = stepBack(a);
    assert.equal(screenFor(a), "audience");
  });
});

describe("quick exit keys", () => {
  test("three Shift presses within five seconds", () => {
    const press = tripleShift();
    assert.equal(press(0), false);
    assert.equal(press(1000), false);
    assert.equal(press(4999), true);
  });
  test("presses spread over more than five seconds do not count", () => {
    const press = tripleShift();
    press(0);
    press(3000);
    assert.equal(press(5000), false); // the first has expired
    assert.equal(press(6000), true);
  });
  test("counting starts again after an exit", () => {
    const press = tripleShift();
    press(0); press(1); press(2);
    assert.equal(press(3), false);
  });
});

describe("links", () => {
  test("only https is a link", () => {
    assert.equal(safeHttpsUrl("https://www.childline.org.uk/"), "https://www.childline.org.uk/");
    for (const bad of ["javascript:alert(1)", "http://x.org/", "data:text/html,hi", "https://u:p@x.org/", "//x.org", "", null]) {
      assert.equal(safeHttpsUrl(bad), null, String(bad));
    }
  });
  test("a page gives its host only", () => {
    assert.equal(pageHost("https://www.Instagram.com/someone/?private=1"), "www.instagram.com");
    assert.equal(pageHost("chrome://settings"), null);
    assert.equal(pageHost("file:///home/x"), null);
    assert.equal(pageHost(undefined), null);
  });
});

describe("phone numbers are links", () => {
  test("a phone number calls, with only its digits in the link", () => {
    assert.deepEqual(phoneLink("0800 1111"), { href: "tel:08001111", kind: "call", number: "0800 1111" });
    assert.equal(phoneLink("999").href, "tel:999");
    assert.equal(phoneLink("+44 20 7946 0000").href, "tel:+442079460000");
  });
  test("a text line starts a text message (Shout: text 85258)", () => {
    assert.deepEqual(phoneLink("text 85258"), { href: "sms:85258", kind: "text", number: "85258" });
    assert.equal(phoneLink("85258", "shout").href, "sms:85258");
  });
  test("nothing but digits reaches the link", () => {
    assert.equal(phoneLink("javascript:alert(1)"), null);
    assert.equal(phoneLink(""), null);
    assert.equal(phoneLink(null), null);
    assert.equal(phoneLink("0800 1111?body=x").href, "tel:08001111");
  });
  test("every phone number in the knowledge base becomes a link", () => {
    for (const s of kb.services.services) {
      if (s.phone) assert.ok(phoneLink(s.phone, s.id), `${s.id}: ${s.phone}`);
    }
  });
  test("links are named by their site", () => {
    assert.equal(siteName("https://www.childline.org.uk/remove"), "childline.org.uk");
  });
});

describe("record this concern", () => {
  const at = new Date("2026-11-30T10:00:00Z");
  test("carries the concern and the age band's age, never more", () => {
    assert.deepEqual(openNoteRequest("www.roblox.com", at, { concern: "grooming", age: 15 }), {
      v: 1, type: "open-note", platform: "www.roblox.com", at: "2026-11-30T10:00:00.000Z", concern: "grooming", age: 15,
    });
  });
  test("leaves out what is not known, so an older helper still accepts it", () => {
    assert.deepEqual(openNoteRequest(null, at), { v: 1, type: "open-note", platform: null, at: "2026-11-30T10:00:00.000Z" });
    assert.deepEqual(Object.keys(openNoteRequest(null, at, { concern: "<b>", age: 200 })), ["v", "type", "platform", "at"]);
  });
});

test("Record a concern where the browser has no native messaging (Firefox for Android)", async () => {
  const { canReachHelper, openNote } = await import("../../extension/lib/native.js");
  assert.equal(canReachHelper({}), false);
  assert.equal(canReachHelper(undefined), false);
  assert.equal(canReachHelper({ sendNativeMessage() {} }), true);
  const saved = globalThis.chrome;
  globalThis.chrome = { runtime: {} };
  try {
    assert.deepEqual(await openNote("example.com", new Date(0)), { state: "unavailable" });
  } finally {
    globalThis.chrome = saved;
  }
});
