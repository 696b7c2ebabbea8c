export default function Tokens() {
  return <h1>API tokens</h1>;
}
