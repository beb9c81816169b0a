export async function seedDemo(): Promise<void> {
  console.log("[demo] (to be written)");
}
