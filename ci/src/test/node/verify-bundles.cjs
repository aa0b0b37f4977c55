// SPDX-License-Identifier: AGPL-3.0-or-later
// Copyright The Plinth Authors
//
// An independent verifier for ci sign's key-based Sigstore bundles: npm @sigstore/verify (the
// sigstore-js verifier), with the site's public key as the only trust material and no transparency
// log, certificate log or timestamp required (what an air-gapped site has).
//
// usage: node verify-bundles.cjs PUBLIC_KEY.pem BUNDLE ARTIFACT|- [BUNDLE ARTIFACT|-]...
// "-" is a DSSE bundle (no artifact). Prints one "OK <bundle>" or "FAIL <bundle>: <reason>" line
// per bundle; exits 0 only if every bundle verified. NODE_PATH must point at the node_modules
// holding @sigstore/verify and @sigstore/bundle.
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const { bundleFromJSON } = require('@sigstore/bundle');

const [, , keyFile, ...rest] = process.argv;
if (!keyFile || rest.length === 0 || rest.length % 2 !== 0) {
  console.error('usage: verify-bundles.cjs PUBLIC_KEY.pem BUNDLE ARTIFACT|- ...');
  process.exit(2);
}
const publicKey = crypto.createPublicKey(fs.readFileSync(keyFile));
const emptyRoot = { tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
// Every hint resolves to the one site key: a bundle signed by another key then fails on its signature.
const trust = toTrustMaterial(emptyRoot, () => ({ publicKey, validFor: () => true }));
const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });

let failed = 0;
for (let i = 0; i < rest.length; i += 2) {
  const bundleFile = rest[i];
  const artifactFile = rest[i + 1];
  try {
    const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundleFile, 'utf8')));
    const artifact = artifactFile === '-' ? undefined : fs.readFileSync(artifactFile);
    verifier.verify(toSignedEntity(bundle, artifact));
    console.log('OK ' + bundleFile);
  } catch (e) {
    failed++;
    console.log('FAIL ' + bundleFile + ': ' + (e.code ? e.code + ' ' : '') + e.message);
  }
}
process.exit(failed === 0 ? 0 : 1);
