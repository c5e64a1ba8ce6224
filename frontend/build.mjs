// Compiles our SCSS and copies the few GOV.UK / MOJ Frontend files the pages need into static/build,
// a folder git ignores. Everything comes from node_modules: nothing is fetched at run time.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "build");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const moj = join(root, "node_modules", "@ministryofjustice", "frontend", "moj");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "css"), { recursive: true });
mkdirSync(join(out, "js"), { recursive: true });

const result = sass.compile(join(root, "frontend", "scss", "app.scss"), {
  loadPaths: [root, join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "mixed-decls"],
  logger: sass.Logger.silent,
});
if (/@font-face/.test(result.css)) {
  throw new Error("compiled CSS declares a web font; only Arial may be used");
}
writeFileSync(join(out, "css", "app.css"), result.css);

cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "js", "govuk-frontend.min.js"));
cpSync(join(moj, "moj-frontend.min.js"), join(out, "js", "moj-frontend.min.js"));
cpSync(join(root, "frontend", "js", "app.mjs"), join(out, "js", "app.mjs"));
const keep = (src) => !/favicon|apple-touch|crown|crest|logotype|opengraph|govuk-icon|mask-icon/.test(src);
// Images the CSS refers to (no fonts, no crown, no GOV.UK favicons).
mkdirSync(join(out, "govuk", "assets"), { recursive: true });
cpSync(join(govuk, "assets", "images"), join(out, "govuk", "assets", "images"), {
  recursive: true,
  filter: keep,
});
cpSync(join(moj, "assets", "images"), join(out, "govuk", "assets", "images"), { recursive: true, filter: keep });
// The GOV.UK footer's crest is referred to by the CSS but is not ours to use: an empty image stands in,
// so the manifest storage finds every url() target.
writeFileSync(
  join(out, "govuk", "assets", "images", "govuk-crest.svg"),
  '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n',
);
console.log(`assets built: ${result.css.length} bytes of CSS in static/build`);
