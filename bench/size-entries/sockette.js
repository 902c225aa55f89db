import Sockette from "sockette";
export default Sockette;
