/**
 * The source of the minimal integrate-and-fire neuron `TestIF` (with a rectangular surrogate `rect`) that
 * the generated specs of the architecture and chip kinds build their networks with, so those specs need
 * only core. `members` are further class members, indented by two spaces, each line ending in a newline.
 * The spec imports `BaseNode`, `tf`, `SurrogateFunction` and `Tensor` from core.
 */
export function testIfNeuronSource(members = ''): string {
  return `const rect: SurrogateFunction = { id: 'test/rect', params: {}, primitive: (x) => tf.clipByValue(tf.add(x, 0.5), 0, 1), derivative: (x) => tf.cast(tf.lessEqual(tf.abs(x), 0.5), 'float32') };
class TestIF extends BaseNode {
  constructor() {
    super({ surrogate: rect });
  }
  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    return tf.add(v, x);
  }
${members}}`;
}
