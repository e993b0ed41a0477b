#!/usr/bin/env bash
# make_dmg.sh APP DMG: the macOS disk image, signed and notarized when the keys are there.
#   MACOS_SIGN_IDENTITY   "Developer ID Application: Name (TEAMID)"  -> codesign app and dmg
#   MACOS_NOTARY_PROFILE  a `xcrun notarytool store-credentials` profile -> notarize + staple
# Without them the image is unsigned: fine for testing, but Gatekeeper will refuse to open
# the app for other users (docs/install.md). Not yet run on a real Mac; CI builds it.
set -euo pipefail
app=$1
dmg=$2
here=$(cd "$(dirname "$0")" && pwd)

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  # Hardened runtime (required for notarization) with the entitlements Python needs.
  codesign --force --deep --options runtime --timestamp \
    --entitlements "$here/entitlements.plist" --sign "$MACOS_SIGN_IDENTITY" "$app"
  codesign --verify --deep --strict --verbose=2 "$app"
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"  # drag-to-install
rm -f "$dmg"
hdiutil create -volname Workdiary -srcfolder "$staging" -ov -format UDZO "$dmg"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
fi
if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$dmg" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
  xcrun stapler staple "$dmg"
  spctl --assess --type open --context context:primary-signature --verbose "$dmg"
fi
echo "$dmg"
