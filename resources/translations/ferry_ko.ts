<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ko_KR">
<context>
    <name>AgentController</name>
    <message>
        <location filename="../../agent/app.py" line="221" />
        <source>Could not read your account's end date: {0}</source>
        <translation>계정 만료일을 읽지 못했습니다: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/app.py" line="292" />
        <source>You were logged out: {0}. Log in again to continue.</source>
        <translation>로그아웃되었습니다: {0}. 계속하려면 다시 로그인하십시오.</translation>
    </message>
    <message>
        <location filename="../../agent/app.py" line="293" />
        <source>the server ended your login</source>
        <translation>서버가 로그인을 종료했습니다</translation>
    </message>
    <message>
        <location filename="../../agent/app.py" line="310" />
        <source>A customer chose your icon ({0}).</source>
        <translation>고객이 내 아이콘을 선택했습니다 ({0}).</translation>
    </message>
    <message>
        <location filename="../../agent/app.py" line="310" />
        <source>no name given</source>
        <translation>이름 없음</translation>
    </message>
    <message>
        <location filename="../../agent/app.py" line="360" />
        <source>The viewer crashed.</source>
        <translation>뷰어가 비정상 종료되었습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/app.py" line="362" />
        <source>The viewer exited with code {0}.</source>
        <translation>뷰어가 종료되었습니다(종료 코드 {0}).</translation>
    </message>
    <message numerus="yes">
        <location filename="../../agent/app.py" line="425" />
        <source>You were logged out after %n minute(s) without activity. Log in again to continue.</source>
        <translation>
            <numerusform>%n분 동안 사용하지 않아 로그아웃되었습니다. 계속하려면 다시 로그인하십시오.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../agent/app.py" line="430" />
        <source>Your login has ended ({0}). Log in again to continue.</source>
        <translation>로그인이 종료되었습니다({0}). 계속하려면 다시 로그인하십시오.</translation>
    </message>
</context>
<context>
    <name>AlertNotifier</name>
    <message>
        <location filename="../../agent/queue_desk.py" line="62" />
        <source>A customer is waiting</source>
        <translation>고객이 기다리고 있습니다</translation>
    </message>
</context>
<context>
    <name>BackgroundRunner</name>
    <message>
        <location filename="../../agent/background.py" line="44" />
        <source>Internal error: {0}: {1}</source>
        <translation>내부 오류: {0}: {1}</translation>
    </message>
</context>
<context>
    <name>BlinderEditor</name>
    <message>
        <location filename="../../host_module/blinder_editor.py" line="167" />
        <source>Hide parts of your screen</source>
        <translation>화면 일부 가리기</translation>
    </message>
    <message>
        <location filename="../../host_module/blinder_editor.py" line="183" />
        <source>Drag over any area the agent must not see, or pick a window to hide. Hidden areas are black for the agent.</source>
        <translation>상담원이 보면 안 되는 영역을 드래그하거나 가릴 창을 선택하세요. 가려진 영역은 상담원에게 검은색으로 보입니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/blinder_editor.py" line="187" />
        <source>Hide this window</source>
        <translation>이 창 가리기</translation>
    </message>
    <message>
        <location filename="../../host_module/blinder_editor.py" line="190" />
        <source>Show again</source>
        <translation>다시 보이기</translation>
    </message>
    <message>
        <location filename="../../host_module/blinder_editor.py" line="192" />
        <source>Done</source>
        <translation>완료</translation>
    </message>
    <message>
        <location filename="../../host_module/blinder_editor.py" line="246" />
        <source>Area {width}×{height} at {x}, {y}</source>
        <translation>영역 {width}×{height} (위치 {x}, {y})</translation>
    </message>
    <message>
        <location filename="../../host_module/blinder_editor.py" line="247" />
        <source>Window: {title}</source>
        <translation>창: {title}</translation>
    </message>
</context>
<context>
    <name>BlinderOutlines</name>
    <message>
        <location filename="../../host_module/blinder_editor.py" line="98" />
        <source>Hidden areas</source>
        <translation>가려진 영역</translation>
    </message>
</context>
<context>
    <name>ChatCoordinator</name>
    <message>
        <location filename="../../agent/chat.py" line="115" />
        <source>Chat opens once the customer accepts the session.</source>
        <translation>고객이 세션을 수락하면 채팅을 시작할 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/chat.py" line="183" />
        <source>You</source>
        <translation>나</translation>
    </message>
    <message>
        <location filename="../../agent/chat.py" line="186" />
        <source>Not sent: the viewer of this session is not running.</source>
        <translation>보내지 못했습니다: 이 세션의 뷰어가 실행 중이 아닙니다.</translation>
    </message>
    <message>
        <location filename="../../agent/chat.py" line="212" />
        <source>Chat with {0}</source>
        <translation>{0}와(과) 채팅</translation>
    </message>
    <message>
        <location filename="../../agent/chat.py" line="214" />
        <source>The session is over.</source>
        <translation>세션이 종료되었습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/chat.py" line="220" />
        <location filename="../../agent/chat.py" line="256" />
        <source>Not sent: {0}</source>
        <translation>보내지 못했습니다: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/chat.py" line="234" />
        <source>Customer</source>
        <translation>고객</translation>
    </message>
    <message>
        <location filename="../../agent/chat.py" line="245" />
        <source>The viewer has closed: the session is over.</source>
        <translation>뷰어가 닫혔습니다: 세션이 종료되었습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/chat.py" line="270" />
        <source>Some lines could not be saved on the server (marked failed). Copy them into the support log if they matter.</source>
        <translation>일부 메시지를 서버에 저장하지 못했습니다(실패로 표시됨). 중요한 내용이면 상담일지에 옮겨 적으세요.</translation>
    </message>
    <message>
        <location filename="../../agent/chat.py" line="286" />
        <source>Shortcut messages or favorites could not be loaded: {0} Open My settings to try again.</source>
        <translation>단축 메시지나 즐겨찾기를 불러오지 못했습니다: {0} 내 설정을 열어 다시 시도하세요.</translation>
    </message>
</context>
<context>
    <name>ChatPanel</name>
    <message>
        <location filename="../../ui/chat_panel.py" line="86" />
        <location filename="../../ui/chat_panel.py" line="186" />
        <source>Type a message and press Enter</source>
        <translation>메시지를 입력하고 Enter 키를 누르세요</translation>
    </message>
    <message>
        <location filename="../../ui/chat_panel.py" line="88" />
        <source>Send</source>
        <translation>보내기</translation>
    </message>
    <message>
        <location filename="../../ui/chat_panel.py" line="91" />
        <source>Favorites</source>
        <translation>즐겨찾기</translation>
    </message>
    <message>
        <location filename="../../ui/chat_panel.py" line="103" />
        <source>Time</source>
        <translation>시간</translation>
    </message>
    <message>
        <location filename="../../ui/chat_panel.py" line="103" />
        <source>From</source>
        <translation>보낸 사람</translation>
    </message>
    <message>
        <location filename="../../ui/chat_panel.py" line="103" />
        <source>Message</source>
        <translation>메시지</translation>
    </message>
    <message>
        <location filename="../../ui/chat_panel.py" line="103" />
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../ui/chat_panel.py" line="233" />
        <source>sending…</source>
        <translation>보내는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/chat_panel.py" line="234" />
        <source>sent</source>
        <translation>보냄</translation>
    </message>
    <message>
        <location filename="../../ui/chat_panel.py" line="236" />
        <source>saved on server</source>
        <translation>서버에 저장됨</translation>
    </message>
    <message>
        <location filename="../../ui/chat_panel.py" line="237" />
        <source>✗ failed</source>
        <translation>✗ 실패</translation>
    </message>
</context>
<context>
    <name>ChatSaver</name>
    <message>
        <location filename="../../agent/chat_saver.py" line="163" />
        <source>Not saved on the server: {0}</source>
        <translation>서버에 저장되지 않았습니다: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/chat_saver.py" line="170" />
        <source>Not saved on the server: it could not be reached for {0} seconds ({1}).</source>
        <translation>서버에 저장되지 않았습니다: {0}초 동안 서버에 연결할 수 없었습니다({1}).</translation>
    </message>
</context>
<context>
    <name>ChatWindow</name>
    <message>
        <location filename="../../agent/chat.py" line="47" />
        <source>Chat with the customer</source>
        <translation>고객과 채팅</translation>
    </message>
    <message>
        <location filename="../../agent/chat.py" line="53" />
        <source>My settings…</source>
        <translation>내 설정…</translation>
    </message>
</context>
<context>
    <name>CodeLabel</name>
    <message>
        <location filename="../../ui/widgets.py" line="39" />
        <source>Connection code</source>
        <translation>접속 코드</translation>
    </message>
</context>
<context>
    <name>CodePanel</name>
    <message>
        <location filename="../../agent/main_window.py" line="47" />
        <source>Connection code</source>
        <translation>접속 코드</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="48" />
        <source>New connection code</source>
        <translation>새 접속 코드 발급</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="56" />
        <source>The customer opens this address and enters the code above:</source>
        <translation>고객이 아래 주소에 접속하여 위 접속 코드를 입력합니다:</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="64" />
        <source>Copy address and code</source>
        <translation>주소와 접속 코드 복사</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="65" />
        <source>E-mail address and code</source>
        <translation>주소와 접속 코드 이메일로 보내기</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="92" />
        <source>No code yet</source>
        <translation>발급된 접속 코드 없음</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="101" />
        <source>Session password: {0}</source>
        <translation>세션 비밀번호: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="129" />
        <source>Code used by the customer</source>
        <translation>고객이 접속 코드를 사용함</translation>
    </message>
</context>
<context>
    <name>ColleagueDialog</name>
    <message>
        <location filename="../../viewer/tools/handover.py" line="99" />
        <source>Invite an agent to watch</source>
        <translation>상담원을 참관에 초대</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/handover.py" line="100" />
        <source>Hand the session over</source>
        <translation>세션 넘기기</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/handover.py" line="110" />
        <source>Invite</source>
        <translation>초대</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/handover.py" line="110" />
        <source>Hand over</source>
        <translation>넘기기</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/handover.py" line="115" />
        <source>No other agent of your group is logged in now.</source>
        <translation>지금 로그인한 같은 그룹의 다른 상담원이 없습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/handover.py" line="122" />
        <source>The customer is asked first; the colleague only sees the screen.</source>
        <translation>고객에게 먼저 동의를 구합니다. 초대된 상담원은 화면만 볼 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/handover.py" line="123" />
        <source>The customer is asked first; the colleague then takes over and your session ends.</source>
        <translation>고객에게 먼저 동의를 구합니다. 이후 동료 상담원이 세션을 넘겨받고 내 세션은 끝납니다.</translation>
    </message>
</context>
<context>
    <name>ConnectionInfo</name>
    <message>
        <location filename="../../agent/connection_info.py" line="26" />
        <source>Connection page: {0}
Connection code: {1}</source>
        <translation>접속 페이지: {0}
접속 코드: {1}</translation>
    </message>
    <message>
        <location filename="../../agent/connection_info.py" line="31" />
        <source>Remote support: your connection code</source>
        <translation>원격지원 접속 코드 안내</translation>
    </message>
    <message>
        <location filename="../../agent/connection_info.py" line="36" />
        <source>Hello,

To start remote support, open this page:
{0}

and enter this connection code:
{1}

The code works for a few minutes only.</source>
        <translation>안녕하세요.

원격지원을 시작하려면 다음 페이지를 여십시오:
{0}

그리고 다음 접속 코드를 입력하십시오:
{1}

접속 코드는 몇 분 동안만 유효합니다.</translation>
    </message>
</context>
<context>
    <name>CountdownLabel</name>
    <message>
        <location filename="../../ui/widgets.py" line="97" />
        <source>Expired</source>
        <translation>만료됨</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="101" />
        <source>Expires in {0}</source>
        <translation>{0} 후 만료</translation>
    </message>
</context>
<context>
    <name>CredentialStore</name>
    <message>
        <location filename="../../agent/credentials.py" line="35" />
        <source>Your system has no password store, so Ferry cannot remember the password: you will type it next time.</source>
        <translation>이 시스템에는 비밀번호 저장소가 없어 Ferry가 비밀번호를 기억할 수 없습니다. 다음에도 비밀번호를 입력하세요.</translation>
    </message>
    <message>
        <location filename="../../agent/credentials.py" line="41" />
        <source>The system's password store refused the request ({0}), so Ferry cannot remember the password: you will type it next time.</source>
        <translation>시스템 비밀번호 저장소가 요청을 거부하여({0}) Ferry가 비밀번호를 기억할 수 없습니다. 다음에도 비밀번호를 입력하세요.</translation>
    </message>
</context>
<context>
    <name>DisplayTools</name>
    <message>
        <location filename="../../viewer/tools/display.py" line="43" />
        <source>Monitors</source>
        <translation>모니터</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/display.py" line="44" />
        <source>Show another of the customer's monitors, or all of them</source>
        <translation>고객의 다른 모니터 또는 모든 모니터를 봅니다</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/display.py" line="50" />
        <source>Screenshot mode</source>
        <translation>스크린샷 모드</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/display.py" line="52" />
        <source>A still picture every 5 seconds instead of video, for a poor link</source>
        <translation>연결이 나쁠 때 영상 대신 5초마다 정지 화면을 받습니다</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/display.py" line="55" />
        <location filename="../../viewer/tools/display.py" line="124" />
        <source>Screenshot mode: a picture every 5 s</source>
        <translation>스크린샷 모드: 5초마다 화면 한 장</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/display.py" line="64" />
        <source>Switching to {name}…</source>
        <translation>{name}(으)로 전환하는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/display.py" line="71" />
        <source>Asking for screenshot mode…</source>
        <translation>스크린샷 모드를 요청하는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/display.py" line="71" />
        <source>Asking for video…</source>
        <translation>영상을 요청하는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/display.py" line="86" />
        <source>Now showing {name}.</source>
        <translation>지금 {name}을(를) 보고 있습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/display.py" line="106" />
        <source>all monitors</source>
        <translation>모든 모니터</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/display.py" line="107" />
        <source>monitor {number}</source>
        <translation>모니터 {number}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/display.py" line="113" />
        <source>All monitors ({width}×{height})</source>
        <translation>모든 모니터 ({width}×{height})</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/display.py" line="115" />
        <source>Monitor {number} ({width}×{height})</source>
        <translation>모니터 {number} ({width}×{height})</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/display.py" line="126" />
        <source>Screenshot mode is not available</source>
        <translation>스크린샷 모드를 사용할 수 없습니다</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/display.py" line="128" />
        <source>Live video</source>
        <translation>실시간 영상</translation>
    </message>
</context>
<context>
    <name>HandoverDesk</name>
    <message>
        <location filename="../../agent/handover.py" line="70" />
        <source>{who} invites you to watch their session with {pc}.</source>
        <translation>{who} 상담원이 {pc}와(과)의 세션 참관에 초대했습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/handover.py" line="71" />
        <source>{who} wants to hand you their session with {pc}.</source>
        <translation>{who} 상담원이 {pc}와(과)의 세션을 전달하려 합니다.</translation>
    </message>
    <message>
        <location filename="../../agent/handover.py" line="72" />
        <source>Invitation</source>
        <translation>초대</translation>
    </message>
    <message>
        <location filename="../../agent/handover.py" line="74" />
        <source>Accept</source>
        <translation>수락</translation>
    </message>
    <message>
        <location filename="../../agent/handover.py" line="75" />
        <source>Decline</source>
        <translation>거절</translation>
    </message>
    <message>
        <location filename="../../agent/handover.py" line="101" />
        <source>You declined the invitation.</source>
        <translation>초대를 거절했습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/handover.py" line="106" />
        <source>The server's answer to the invitation was incomplete: ask to be invited again.</source>
        <translation>초대에 대한 서버 응답이 불완전합니다: 다시 초대해 달라고 요청하세요.</translation>
    </message>
    <message>
        <location filename="../../agent/handover.py" line="114" />
        <source>The invitation could not be answered: {reason}</source>
        <translation>초대에 응답하지 못했습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../agent/handover.py" line="118" />
        <source>{who} accepted your invitation.</source>
        <translation>{who} 상담원이 초대를 수락했습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/handover.py" line="119" />
        <source>{who} declined your invitation.</source>
        <translation>{who} 상담원이 초대를 거절했습니다.</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../agent/history_dialog.py" line="63" />
        <source>My support history</source>
        <translation>내 상담 이력</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="70" />
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="86" />
        <source>Started</source>
        <translation>시작</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="86" />
        <source>Ended</source>
        <translation>종료</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="86" />
        <source>Customer</source>
        <translation>고객</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="87" />
        <source>Customer PC</source>
        <translation>고객 PC</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="87" />
        <source>End reason</source>
        <translation>종료 사유</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="98" />
        <source>Loading your support history…</source>
        <translation>상담 이력을 불러오는 중…</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="112" />
        <source>No sessions yet.</source>
        <translation>아직 상담 이력이 없습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="116" />
        <source>Could not load the history: {0}</source>
        <translation>이력을 불러오지 못했습니다: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="132" />
        <source>Loading…</source>
        <translation>불러오는 중…</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="142" />
        <source>Could not load this session: {0}</source>
        <translation>이 세션을 불러오지 못했습니다: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="146" />
        <source>(not shown)</source>
        <translation>(표시 안 함)</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="148" />
        <source>Started: {0}</source>
        <translation>시작: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="149" />
        <source>Ended: {0}</source>
        <translation>종료: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="150" />
        <source>Customer PC: {0}</source>
        <translation>고객 PC: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="151" />
        <source>Operating system: {0}</source>
        <translation>운영체제: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="152" />
        <source>End reason: {0}</source>
        <translation>종료 사유: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="156" />
        <source>Chat:</source>
        <translation>채팅:</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="163" />
        <source>hidden (privacy protection)</source>
        <translation>숨김 (개인정보 보호)</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="169" />
        <source>Support log: none written.</source>
        <translation>상담일지: 작성되지 않았습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="170" />
        <source>Support log</source>
        <translation>상담일지</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="171" />
        <source>Customer: {0}</source>
        <translation>고객: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/history_dialog.py" line="176" />
        <source>No chat saved.</source>
        <translation>저장된 채팅이 없습니다.</translation>
    </message>
</context>
<context>
    <name>HostDialogs</name>
    <message>
        <location filename="../../host_module/app.py" line="476" />
        <location filename="../../host_module/dialogs.py" line="29" />
        <source>Ferry remote support</source>
        <translation>Ferry 원격지원</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="33" />
        <source>Type the 6-digit connection code the agent gave you:</source>
        <translation>상담원이 알려 드린 6자리 접속 코드를 입력하세요:</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="41" />
        <location filename="../../host_module/dialogs.py" line="147" />
        <source>Connect</source>
        <translation>접속</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="55" />
        <source>{agent} of {company} asks to see your screen for remote support.</source>
        <translation>{company} {agent} 상담원이 원격지원을 위해 고객님의 화면 보기를 요청합니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="59" />
        <source>If you allow, the agent sees your whole screen and can also use your mouse and keyboard at once. You can take control back at any time.</source>
        <translation>허용하시면 상담원이 고객님의 화면 전체를 보고 바로 마우스와 키보드도 사용할 수 있습니다. 언제든지 제어를 되찾을 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="63" />
        <source>If you allow, the agent sees your whole screen. The agent can use your mouse and keyboard only if you allow that later.</source>
        <translation>허용하시면 상담원이 고객님의 화면 전체를 봅니다. 마우스와 키보드는 고객님이 나중에 따로 허용해야만 사용할 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="67" />
        <source>This session will be recorded.</source>
        <translation>이 세션은 녹화됩니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="68" />
        <source>Security code: {sas}. If the agent reads you a different code, refuse.</source>
        <translation>보안 코드: {sas}. 상담원이 다른 코드를 읽어 주면 거부하세요.</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="71" />
        <source>Nothing is shared until you allow it.</source>
        <translation>허용하기 전에는 아무것도 공유되지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="79" />
        <source>Allow remote support?</source>
        <translation>원격지원을 허용하시겠습니까?</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="80" />
        <location filename="../../host_module/dialogs.py" line="124" />
        <source>Allow</source>
        <translation>허용</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="81" />
        <location filename="../../host_module/dialogs.py" line="93" />
        <location filename="../../host_module/dialogs.py" line="125" />
        <source>Refuse</source>
        <translation>거부</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="86" />
        <source>{agent} asks to control your mouse and keyboard. You can take control back at any time from the notice window.</source>
        <translation>{agent} 상담원이 고객님 PC의 마우스와 키보드 제어권을 요청합니다. 접속 안내 창에서 언제든지 제어권을 회수할 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="91" />
        <source>Allow control?</source>
        <translation>제어권을 허용하시겠습니까?</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="92" />
        <source>Allow control</source>
        <translation>제어 허용</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="97" />
        <source>{agent} wants to send you a file: {detail}</source>
        <translation>{agent} 상담원이 파일을 보내려고 합니다: {detail}</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="98" />
        <source>{agent} wants to receive a file from your computer: {detail}</source>
        <translation>{agent} 상담원이 고객님 컴퓨터의 파일을 받으려고 합니다: {detail}</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="99" />
        <source>{agent} wants to record this session. {detail}</source>
        <translation>{agent} 상담원이 이 세션을 녹화하려고 합니다. {detail}</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="100" />
        <source>{agent} wants to save a picture of your screen.</source>
        <translation>{agent} 상담원이 고객님 화면을 그림으로 저장하려고 합니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="101" />
        <source>{agent} wants to open this address in your browser: {detail}</source>
        <translation>{agent} 상담원이 고객님 브라우저에서 이 주소를 열려고 합니다: {detail}</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="102" />
        <source>{agent} wants to end this program on your computer: {detail}</source>
        <translation>{agent} 상담원이 고객님 컴퓨터에서 이 프로그램을 종료하려고 합니다: {detail}</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="103" />
        <source>{agent} wants to exchange clipboard contents with your computer.</source>
        <translation>{agent} 상담원이 고객님 컴퓨터와 클립보드 내용을 주고받으려고 합니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="104" />
        <source>{agent} wants to see your computer's system information.</source>
        <translation>{agent} 상담원이 고객님 컴퓨터의 시스템 정보를 보려고 합니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="105" />
        <source>{agent} asks to let another agent, {detail}, watch your screen. They will only see it, not control it.</source>
        <translation>{agent} 상담원이 다른 상담원 {detail}에게 고객님 화면을 보여 주려고 합니다. 그 상담원은 화면을 보기만 하고 제어하지는 않습니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="108" />
        <source>{agent} asks to hand this session over to {detail}, who will then help you instead.</source>
        <translation>{agent} 상담원이 이 세션을 {detail} 상담원에게 넘기려고 합니다. 이후에는 그 상담원이 도와 드립니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="116" />
        <source>The recording is saved on the agent's computer.</source>
        <translation>녹화 파일은 상담원의 컴퓨터에 저장됩니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="117" />
        <source>{agent} asks for: {detail}</source>
        <translation>{agent} 상담원의 요청: {detail}</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="123" />
        <source>Allow this?</source>
        <translation>허용하시겠습니까?</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="133" />
        <source>Session password</source>
        <translation>세션 비밀번호</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="138" />
        <source>Type the 4-digit session password that {agent} reads out to you:</source>
        <translation>{agent} 상담원이 불러 주는 4자리 세션 비밀번호를 입력하세요:</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="167" />
        <source>The session password has exactly 4 digits. Listen to the agent and type it again ({left} tries left).</source>
        <translation>세션 비밀번호는 정확히 4자리 숫자입니다. 상담원의 안내를 듣고 다시 입력하세요(남은 횟수 {left}번).</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="177" />
        <source>The session password did not match, so nothing was shared. Ask the agent for a new connection code, then type the password the agent reads out carefully.</source>
        <translation>세션 비밀번호가 일치하지 않아 아무것도 공유되지 않았습니다. 상담원에게 새 접속 코드를 받은 뒤 상담원이 불러 주는 비밀번호를 정확히 입력하세요.</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="180" />
        <source>The security check of the connection failed, so nothing was shared. Ask the agent for a new connection code and connect again.</source>
        <translation>연결 보안 확인에 실패하여 아무것도 공유되지 않았습니다. 상담원에게 새 접속 코드를 받아 다시 연결하세요.</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="184" />
        <source>The support server's certificate is not the expected one, so Ferry did not connect. Do not continue; ask the agent for a new program or address.</source>
        <translation>지원 서버의 인증서가 예상한 것과 달라 Ferry가 연결하지 않았습니다. 계속하지 마시고 상담원에게 새 프로그램이나 주소를 요청하세요.</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="188" />
        <source>Could not reach the support server. Check your internet connection, then ask the agent for a new connection code.</source>
        <translation>지원 서버에 연결할 수 없습니다. 인터넷 연결을 확인한 뒤 상담원에게 새 접속 코드를 요청하세요.</translation>
    </message>
</context>
<context>
    <name>HostErrors</name>
    <message>
        <location filename="../../host_module/startup.py" line="27" />
        <source>The session password has exactly 4 digits. Ask the agent to read it again.</source>
        <translation>세션 비밀번호는 정확히 4자리 숫자입니다. 상담원에게 다시 불러 달라고 하세요.</translation>
    </message>
    <message>
        <location filename="../../host_module/startup.py" line="32" />
        <source>No session password was typed, so Ferry did not connect. Ask the agent for a new connection code when you are ready.</source>
        <translation>세션 비밀번호를 입력하지 않아 Ferry가 연결하지 않았습니다. 준비되면 상담원에게 새 접속 코드를 요청하세요.</translation>
    </message>
</context>
<context>
    <name>HostFiles</name>
    <message>
        <location filename="../../host_module/tools/files.py" line="135" />
        <source>Choose the files to send to {agent}</source>
        <translation>{agent}에게 보낼 파일을 선택하세요</translation>
    </message>
    <message>
        <location filename="../../host_module/tools/files_panel.py" line="18" />
        <source>Preparing…</source>
        <translation>준비 중…</translation>
    </message>
    <message>
        <location filename="../../host_module/tools/files_panel.py" line="19" />
        <source>Waiting for the agent…</source>
        <translation>상담원의 응답을 기다리는 중…</translation>
    </message>
    <message>
        <location filename="../../host_module/tools/files_panel.py" line="20" />
        <source>Waiting for your answer…</source>
        <translation>고객님의 응답을 기다리는 중…</translation>
    </message>
    <message>
        <location filename="../../host_module/tools/files_panel.py" line="21" />
        <source>Transferring…</source>
        <translation>전송 중…</translation>
    </message>
    <message>
        <location filename="../../host_module/tools/files_panel.py" line="22" />
        <source>Checking…</source>
        <translation>확인 중…</translation>
    </message>
    <message>
        <location filename="../../host_module/tools/files_panel.py" line="23" />
        <source>Waiting for the connection…</source>
        <translation>연결을 기다리는 중…</translation>
    </message>
    <message>
        <location filename="../../host_module/tools/files_panel.py" line="24" />
        <source>Done</source>
        <translation>완료</translation>
    </message>
    <message>
        <location filename="../../host_module/tools/files_panel.py" line="25" />
        <source>Failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <location filename="../../host_module/tools/files_panel.py" line="26" />
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <location filename="../../host_module/tools/files_panel.py" line="27" />
        <source>Interrupted</source>
        <translation>중단됨</translation>
    </message>
</context>
<context>
    <name>HostHandover</name>
    <message>
        <location filename="../../host_module/tools/handover.py" line="202" />
        <source>Also watching your screen: {agents}</source>
        <translation>화면을 함께 보는 상담원: {agents}</translation>
    </message>
    <message>
        <location filename="../../host_module/tools/handover.py" line="205" />
        <source>Remote support in progress</source>
        <translation>원격 지원 진행 중</translation>
    </message>
</context>
<context>
    <name>HostRecording</name>
    <message>
        <location filename="../../host_module/recording.py" line="66" />
        <source>Ferry support {time}</source>
        <translation>Ferry 원격지원 {time}</translation>
    </message>
    <message>
        <location filename="../../host_module/recording.py" line="113" />
        <source>Recording</source>
        <translation>녹화 중</translation>
    </message>
    <message>
        <location filename="../../host_module/recording.py" line="177" />
        <source>The recording stopped because it could not be saved in {folder}. Check that the disk has free space; the support session goes on.</source>
        <translation>녹화 파일을 {folder}에 저장할 수 없어 녹화를 멈췄습니다. 디스크에 빈 공간이 있는지 확인하십시오. 원격지원은 계속됩니다.</translation>
    </message>
</context>
<context>
    <name>HostTransferPanel</name>
    <message>
        <location filename="../../host_module/tools/files_panel.py" line="40" />
        <source>Files — Ferry remote support</source>
        <translation>파일 — Ferry 원격 지원</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../agent/login_dialog.py" line="156" />
        <source>Ferry agent — log in</source>
        <translation>Ferry 에이전트 — 로그인</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="157" />
        <source>Log in to Ferry</source>
        <translation>Ferry 로그인</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="158" />
        <source>ID</source>
        <translation>아이디</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="158" />
        <source>Password</source>
        <translation>비밀번호</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="158" />
        <source>Server</source>
        <translation>서버</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="159" />
        <source>Language</source>
        <translation>언어</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="161" />
        <source>Remember me on this PC</source>
        <translation>이 PC에서 로그인 정보 기억</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="162" />
        <source>Log in</source>
        <translation>로그인</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="163" />
        <source>Quit</source>
        <translation>종료</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="226" />
        <source>Enter your ID and password.</source>
        <translation>아이디와 비밀번호를 입력하세요.</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="229" />
        <source>The server address must start with https://.</source>
        <translation>서버 주소는 https://로 시작해야 합니다.</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="283" />
        <source>Your account is locked.</source>
        <translation>계정이 잠겼습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="284" />
        <source>Logging in from this PC is not allowed.</source>
        <translation>이 PC에서는 로그인할 수 없습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="285" />
        <source>Your account has ended.</source>
        <translation>계정 사용 기간이 끝났습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="286" />
        <source>No licence is free right now.</source>
        <translation>지금 사용할 수 있는 라이선스가 없습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="292" />
        <source>Your password has expired.</source>
        <translation>비밀번호가 만료되었습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="295" />
        <source>Choose a new password: Ferry logs you in with it.</source>
        <translation>새 비밀번호를 정하세요. Ferry가 새 비밀번호로 로그인합니다.</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="304" />
        <source>The password was not changed: log in again to change it.</source>
        <translation>비밀번호를 바꾸지 않았습니다. 바꾸려면 다시 로그인하세요.</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="313" />
        <source>Already logged in</source>
        <translation>이미 로그인되어 있음</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="315" />
        <source>Log out on the other PC, then try again.</source>
        <translation>다른 PC에서 로그아웃한 뒤 다시 시도하세요.</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="316" />
        <source>Try again</source>
        <translation>다시 시도</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="317" />
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="343" />
        <source>Logging in…</source>
        <translation>로그인 중…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../agent/main_window.py" line="152" />
        <source>Ferry agent — {0}</source>
        <translation>Ferry 에이전트 — {0}</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="167" />
        <source>Connecting to the server…</source>
        <translation>서버에 연결하는 중…</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="181" />
        <source>My support history…</source>
        <translation>내 상담 이력…</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="183" />
        <source>My settings…</source>
        <translation>내 설정…</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="185" />
        <source>Reservations…</source>
        <translation>예약…</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="195" />
        <source>Sessions</source>
        <translation>세션 목록</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="212" />
        <source>Code</source>
        <translation>접속 코드</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="212" />
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="212" />
        <source>Customer PC</source>
        <translation>고객 PC</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="212" />
        <source>Details</source>
        <translation>상세 정보</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="242" />
        <source>Agent waiting</source>
        <translation>에이전트 대기</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="243" />
        <source>Viewer waiting</source>
        <translation>뷰어 대기</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="244" />
        <location filename="../../agent/main_window.py" line="330" />
        <source>In session</source>
        <translation>원격지원 중</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="251" />
        <source>Connected to the server: customers who enter a code will appear here.</source>
        <translation>서버에 연결되었습니다. 접속 코드를 입력한 고객이 여기에 표시됩니다.</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="253" />
        <source>Disconnected from the server: {0}</source>
        <translation>서버와의 연결이 끊어졌습니다: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="255" />
        <source>Reconnecting to the server ({0})…</source>
        <translation>서버에 다시 연결하는 중({0})…</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="272" />
        <source>Your account ends on {0}.</source>
        <translation>계정 만료일은 {0}입니다.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../agent/main_window.py" line="274" />
        <source>%n day(s) left: ask your administrator to extend it.</source>
        <translation>
            <numerusform>%n일 남았습니다: 관리자에게 연장을 요청하십시오.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="300" />
        <source>The address and code are on the clipboard: paste them for the customer.</source>
        <translation>주소와 접속 코드를 클립보드에 복사했습니다: 고객에게 붙여 넣어 보내십시오.</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="308" />
        <source>Your mail program opened: add the customer's address and send.</source>
        <translation>메일 프로그램이 열렸습니다: 고객의 주소를 넣고 보내십시오.</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="310" />
        <source>No e-mail program is set up on this PC: copy the code instead.</source>
        <translation>이 PC에 설정된 이메일 프로그램이 없습니다: 대신 접속 코드를 복사하십시오.</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="327" />
        <source>Waiting for customer</source>
        <translation>고객 접속 대기</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="328" />
        <source>Expired</source>
        <translation>만료됨</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="329" />
        <source>Customer joined</source>
        <translation>고객 접속됨</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="331" />
        <source>Ended</source>
        <translation>종료됨</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="332" />
        <source>Failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="333" />
        <source>Viewer crashed</source>
        <translation>뷰어 비정상 종료</translation>
    </message>
</context>
<context>
    <name>NoticeWindow</name>
    <message>
        <location filename="../../host_module/notice.py" line="37" />
        <source>Ferry remote support</source>
        <translation>Ferry 원격지원</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="39" />
        <location filename="../../host_module/notice.py" line="117" />
        <source>Agent: {name} ({company})</source>
        <translation>상담원: {name} ({company})</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="40" />
        <source>Security code: —</source>
        <translation>보안 코드: —</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="41" />
        <source>Connecting…</source>
        <translation>연결 중…</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="42" />
        <location filename="../../host_module/notice.py" line="165" />
        <source>The agent can only watch.</source>
        <translation>상담원은 화면 보기만 할 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="43" />
        <location filename="../../host_module/notice.py" line="170" />
        <source>Connected for less than a minute</source>
        <translation>연결 시간: 1분 미만</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="44" />
        <source>Take back control</source>
        <translation>제어권 회수</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="46" />
        <source>End</source>
        <translation>연결 종료</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="47" />
        <location filename="../../host_module/notice.py" line="134" />
        <source>Pause sharing</source>
        <translation>공유 일시 중지</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="50" />
        <source>Blinders</source>
        <translation>블라인더</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="51" />
        <source>Hide parts of your screen from the agent</source>
        <translation>화면의 일부를 상담원에게 보이지 않게 가립니다</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="64" />
        <source>Chat opens once remote support starts.</source>
        <translation>원격지원이 시작되면 채팅할 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="90" />
        <source>Security code: {sas}</source>
        <translation>보안 코드: {sas}</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="96" />
        <source>Secured. Waiting for your answer…</source>
        <translation>보안 연결이 완료되었습니다. 고객님의 응답을 기다리는 중…</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="100" />
        <location filename="../../host_module/notice.py" line="136" />
        <source>Remote support in progress</source>
        <translation>원격지원 진행 중</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="106" />
        <source>The agent's connection was lost. Waiting for it to come back…</source>
        <translation>상담원의 연결이 끊어졌습니다. 다시 연결되기를 기다리는 중…</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="107" />
        <source>Connection lost. Reconnecting…</source>
        <translation>연결이 끊어졌습니다. 다시 연결하는 중…</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="111" />
        <source>Reconnected: remote support continues</source>
        <translation>다시 연결됨: 원격지원이 계속됩니다</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="120" />
        <source>{name} took the session over: remote support continues</source>
        <translation>{name} 상담원이 세션을 넘겨받았습니다: 원격 지원이 계속됩니다</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="123" />
        <source>Remote support ended: {reason}</source>
        <translation>원격지원이 종료되었습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="125" />
        <source>The session is over.</source>
        <translation>세션이 종료되었습니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="134" />
        <source>Resume sharing</source>
        <translation>공유 다시 시작</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="135" />
        <source>Sharing paused: the agent sees nothing</source>
        <translation>공유 일시 중지됨: 상담원에게 아무것도 보이지 않습니다</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="156" />
        <source>You</source>
        <translation>나</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="160" />
        <source>Not sent: the session is not live. Wait until remote support starts.</source>
        <translation>보내지 못했습니다: 세션이 아직 연결되지 않았습니다. 원격지원이 시작될 때까지 기다리세요.</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="164" />
        <source>The agent controls your mouse and keyboard.</source>
        <translation>상담원이 마우스와 키보드를 제어하고 있습니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="169" />
        <source>Connected for {minutes} min</source>
        <translation>연결 시간: {minutes}분</translation>
    </message>
</context>
<context>
    <name>OverlayTools</name>
    <message>
        <location filename="../../viewer/tools/overlay.py" line="79" />
        <source>Laser pointer</source>
        <translation>레이저 포인터</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/overlay.py" line="80" />
        <source>Point at things on the customer's screen with a red dot (Esc ends it)</source>
        <translation>고객 화면에 빨간 점으로 가리킵니다 (Esc로 끝냄)</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/overlay.py" line="81" />
        <source>Pen</source>
        <translation>펜</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/overlay.py" line="82" />
        <source>Draw on the customer's screen; the arrow chooses colour and width, undo and clear (Esc ends it)</source>
        <translation>고객 화면에 그립니다. 화살표로 색과 굵기, 실행 취소, 모두 지우기를 고릅니다 (Esc로 끝냄)</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/overlay.py" line="90" />
        <source>Mouse trace</source>
        <translation>마우스 추적</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/overlay.py" line="91" />
        <source>Show where the customer's mouse pointer is and where it went</source>
        <translation>고객의 마우스 포인터 위치와 움직인 경로를 보여 줍니다</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/overlay.py" line="102" />
        <source>Red</source>
        <translation>빨강</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/overlay.py" line="102" />
        <source>Yellow</source>
        <translation>노랑</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/overlay.py" line="102" />
        <source>Green</source>
        <translation>초록</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/overlay.py" line="102" />
        <source>Blue</source>
        <translation>파랑</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/overlay.py" line="105" />
        <source>Thin</source>
        <translation>가늘게</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/overlay.py" line="105" />
        <source>Medium</source>
        <translation>보통</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/overlay.py" line="105" />
        <source>Thick</source>
        <translation>굵게</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/overlay.py" line="108" />
        <source>Undo the last stroke</source>
        <translation>마지막 획 실행 취소</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/overlay.py" line="110" />
        <source>Clear the drawing</source>
        <translation>그림 모두 지우기</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/overlay.py" line="267" />
        <source>The mouse trace is not available: {reason}</source>
        <translation>마우스 추적을 사용할 수 없습니다: {reason}</translation>
    </message>
</context>
<context>
    <name>OverlayWindow</name>
    <message>
        <location filename="../../host_module/tools/overlay_window.py" line="87" />
        <source>Ferry: the agent's drawing</source>
        <translation>Ferry: 상담원의 그림</translation>
    </message>
</context>
<context>
    <name>PasswordChangeDialog</name>
    <message>
        <location filename="../../agent/password_dialog.py" line="122" />
        <source>Ferry agent — change password</source>
        <translation>Ferry 에이전트 — 비밀번호 변경</translation>
    </message>
    <message>
        <location filename="../../agent/password_dialog.py" line="123" />
        <source>Your password has expired</source>
        <translation>비밀번호가 만료되었습니다</translation>
    </message>
    <message>
        <location filename="../../agent/password_dialog.py" line="124" />
        <source>Choose a new password for {0}. The rules below turn green as you meet them.</source>
        <translation>{0}의 새 비밀번호를 정하세요. 아래 규칙을 지키면 초록색으로 바뀝니다.</translation>
    </message>
    <message>
        <location filename="../../agent/password_dialog.py" line="126" />
        <source>Current password</source>
        <translation>현재 비밀번호</translation>
    </message>
    <message>
        <location filename="../../agent/password_dialog.py" line="126" />
        <source>New password</source>
        <translation>새 비밀번호</translation>
    </message>
    <message>
        <location filename="../../agent/password_dialog.py" line="127" />
        <source>Repeat the new password</source>
        <translation>새 비밀번호 확인</translation>
    </message>
    <message>
        <location filename="../../agent/password_dialog.py" line="129" />
        <source>Change password</source>
        <translation>비밀번호 변경</translation>
    </message>
    <message>
        <location filename="../../agent/password_dialog.py" line="130" />
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../agent/password_dialog.py" line="160" />
        <source>Could not check the rules: {0}</source>
        <translation>비밀번호 규칙을 확인하지 못했습니다: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/password_dialog.py" line="184" />
        <source>The two new passwords match.</source>
        <translation>새 비밀번호 두 개가 일치합니다.</translation>
    </message>
    <message>
        <location filename="../../agent/password_dialog.py" line="186" />
        <source>The two new passwords do not match.</source>
        <translation>새 비밀번호 두 개가 일치하지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/password_dialog.py" line="238" />
        <source>Changing the password…</source>
        <translation>비밀번호를 변경하는 중…</translation>
    </message>
</context>
<context>
    <name>PasswordRules</name>
    <message>
        <location filename="../../agent/password_dialog.py" line="41" />
        <source>6 to 24 characters.</source>
        <translation>6~24자.</translation>
    </message>
    <message>
        <location filename="../../agent/password_dialog.py" line="42" />
        <source>8 to 24 characters.</source>
        <translation>8~24자.</translation>
    </message>
    <message>
        <location filename="../../agent/password_dialog.py" line="43" />
        <source>English letters and digits only.</source>
        <translation>영문과 숫자만 사용.</translation>
    </message>
    <message>
        <location filename="../../agent/password_dialog.py" line="44" />
        <source>English letters, digits and special characters only.</source>
        <translation>영문, 숫자, 특수문자만 사용.</translation>
    </message>
    <message>
        <location filename="../../agent/password_dialog.py" line="45" />
        <source>At least one letter and one digit.</source>
        <translation>영문과 숫자를 각각 하나 이상 포함.</translation>
    </message>
    <message>
        <location filename="../../agent/password_dialog.py" line="46" />
        <source>At least one upper-case letter, one lower-case letter, one digit and one special character.</source>
        <translation>영문 대문자, 소문자, 숫자, 특수문자를 각각 하나 이상 포함.</translation>
    </message>
    <message>
        <location filename="../../agent/password_dialog.py" line="48" />
        <source>No three digits in a row that repeat or count up or down (111, 123, 321).</source>
        <translation>같거나 연속된 숫자 세 개를 잇달아 쓰지 않기 (111, 123, 321).</translation>
    </message>
    <message>
        <location filename="../../agent/password_dialog.py" line="49" />
        <source>Different from the current password.</source>
        <translation>현재 비밀번호와 다르게.</translation>
    </message>
</context>
<context>
    <name>ProcessDialog</name>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="122" />
        <source>Customer's processes</source>
        <translation>고객 PC의 프로세스</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="124" />
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="124" />
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="124" />
        <source>User</source>
        <translation>사용자</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="124" />
        <source>CPU %</source>
        <translation>CPU %</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="125" />
        <source>Memory (MB)</source>
        <translation>메모리(MB)</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="131" />
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="133" />
        <source>End process</source>
        <translation>프로세스 종료</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="155" />
        <source>{count} processes</source>
        <translation>프로세스 {count}개</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="169" />
        <source>Select a process first.</source>
        <translation>먼저 프로세스를 선택하세요.</translation>
    </message>
</context>
<context>
    <name>QueueApi</name>
    <message>
        <location filename="../../agent/queue_api.py" line="154" />
        <source>Could not download the file from the server: {0}. Try again.</source>
        <translation>서버에서 파일을 내려받지 못했습니다: {0}. 다시 시도하세요.</translation>
    </message>
    <message>
        <location filename="../../agent/queue_api.py" line="158" />
        <source>The server refused the file download (HTTP {0}). Ask the customer to send it again.</source>
        <translation>서버가 파일 내려받기를 거부했습니다(HTTP {0}). 고객에게 파일을 다시 보내 달라고 요청하세요.</translation>
    </message>
    <message>
        <location filename="../../agent/queue_api.py" line="184" />
        <source>Another agent has already taken this customer.</source>
        <translation>다른 상담원이 이미 이 고객을 맡았습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/queue_api.py" line="202" />
        <source>The file {0} could not be read: choose it again.</source>
        <translation>파일 {0}을(를) 읽을 수 없습니다: 다시 선택하세요.</translation>
    </message>
    <message>
        <location filename="../../agent/queue_api.py" line="205" />
        <source>{0} is larger than 10 MB: send a smaller file.</source>
        <translation>{0}의 크기가 10MB를 넘습니다: 더 작은 파일을 보내세요.</translation>
    </message>
</context>
<context>
    <name>QueueChatDesk</name>
    <message>
        <location filename="../../agent/queue_chat.py" line="51" />
        <source>Send a file to the customer</source>
        <translation>고객에게 파일 보내기</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat.py" line="57" />
        <source>Save the customer's file</source>
        <translation>고객이 보낸 파일 저장</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat.py" line="79" />
        <source>The file could not be written to {0}: {1}</source>
        <translation>파일을 {0}에 쓸 수 없습니다: {1}</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat.py" line="142" />
        <source>The customer has left: the chat is over.</source>
        <translation>고객이 나갔습니다: 채팅이 끝났습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat.py" line="171" />
        <source>Chat with {0} ({1})</source>
        <translation>{0} 님과 채팅 ({1})</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat.py" line="171" />
        <source>the customer</source>
        <translation>고객</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat.py" line="199" />
        <location filename="../../agent/queue_chat.py" line="229" />
        <location filename="../../agent/queue_chat.py" line="264" />
        <source>You</source>
        <translation>나</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat.py" line="201" />
        <source>Not sent: the chat is over.</source>
        <translation>보내지 못함: 채팅이 끝났습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat.py" line="217" />
        <source>Not sent: {0}</source>
        <translation>보내지 못함: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat.py" line="229" />
        <source>Customer</source>
        <translation>고객</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat.py" line="233" />
        <location filename="../../agent/queue_chat.py" line="264" />
        <source>File sent: {0}</source>
        <translation>보낸 파일: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat.py" line="233" />
        <source>File received: {0}</source>
        <translation>받은 파일: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat.py" line="248" />
        <source>Note</source>
        <translation>알림</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat.py" line="297" />
        <source>No program on this PC opens {0}: use Save as… instead.</source>
        <translation>이 PC에는 {0}을(를) 열 프로그램이 없습니다: 대신 "다른 이름으로 저장…"을 사용하세요.</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat.py" line="301" />
        <source>Saved to {0}</source>
        <translation>{0}에 저장했습니다</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat.py" line="318" />
        <source>Remote support code {0} was sent to the customer. The viewer opens when they run the connection program.</source>
        <translation>원격지원 코드 {0}을(를) 고객에게 보냈습니다. 고객이 접속 프로그램을 실행하면 뷰어가 열립니다.</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat.py" line="326" />
        <source>Remote support could not be started: {0}</source>
        <translation>원격지원을 시작하지 못했습니다: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat.py" line="335" />
        <source>You ended the chat.</source>
        <translation>채팅을 종료했습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat.py" line="342" />
        <source>The chat could not be ended: {0}</source>
        <translation>채팅을 종료하지 못했습니다: {0}</translation>
    </message>
</context>
<context>
    <name>QueueChatTools</name>
    <message>
        <location filename="../../agent/queue_chat_tools.py" line="24" />
        <source>Send file…</source>
        <translation>파일 보내기…</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat_tools.py" line="25" />
        <source>Start remote support</source>
        <translation>원격지원 시작</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat_tools.py" line="26" />
        <source>End chat</source>
        <translation>채팅 종료</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat_tools.py" line="30" />
        <source>Open</source>
        <translation>열기</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat_tools.py" line="31" />
        <source>Save as…</source>
        <translation>다른 이름으로 저장…</translation>
    </message>
    <message>
        <location filename="../../agent/queue_chat_tools.py" line="57" />
        <source>{0} ({1} KB)</source>
        <translation>{0} ({1} KB)</translation>
    </message>
</context>
<context>
    <name>QueueDesk</name>
    <message>
        <location filename="../../agent/queue_desk.py" line="131" />
        <source>{0} is waiting at {1}.</source>
        <translation>{0} 님이 {1} 창구에서 기다리고 있습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/queue_desk.py" line="131" />
        <source>A customer</source>
        <translation>고객</translation>
    </message>
    <message>
        <location filename="../../agent/queue_desk.py" line="181" />
        <source>The waiting customers could not be loaded: {0}</source>
        <translation>대기 고객 목록을 불러오지 못했습니다: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/queue_desk.py" line="219" />
        <source>The customer could not be accepted: {0}</source>
        <translation>고객을 수락하지 못했습니다: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/queue_desk.py" line="223" />
        <source>This customer</source>
        <translation>이 고객</translation>
    </message>
    <message>
        <location filename="../../agent/queue_desk.py" line="226" />
        <source>{0} was already taken by {1}: choose another customer.</source>
        <translation>{0} 님은 이미 {1} 상담원이 맡았습니다: 다른 고객을 선택하세요.</translation>
    </message>
    <message>
        <location filename="../../agent/queue_desk.py" line="227" />
        <source>{0} was already taken by another agent: choose another customer.</source>
        <translation>{0} 님은 이미 다른 상담원이 맡았습니다: 다른 고객을 선택하세요.</translation>
    </message>
    <message>
        <location filename="../../agent/queue_desk.py" line="264" />
        <source>The reservations could not be loaded: {0}</source>
        <translation>예약을 불러오지 못했습니다: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/queue_desk.py" line="272" />
        <source>The reservation could not be changed: {0}</source>
        <translation>예약을 변경하지 못했습니다: {0}</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <location filename="../../agent/queue_views.py" line="78" />
        <source>Waiting customers</source>
        <translation>대기 고객</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="82" />
        <source>Window</source>
        <translation>창구</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="82" />
        <source>Customer</source>
        <translation>고객</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="82" />
        <source>Request</source>
        <translation>요청 내용</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="82" />
        <source>Position</source>
        <translation>순번</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="83" />
        <source>Waiting</source>
        <translation>대기 시간</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="86" />
        <source>No customers are waiting at your windows.</source>
        <translation>내 창구에서 기다리는 고객이 없습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="91" />
        <location filename="../../agent/queue_views.py" line="205" />
        <source>Accept</source>
        <translation>수락</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="124" />
        <source>(no name)</source>
        <translation>(이름 없음)</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="125" />
        <source>With you</source>
        <translation>상담 중</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="179" />
        <source>under a minute</source>
        <translation>1분 미만</translation>
    </message>
    <message numerus="yes">
        <location filename="../../agent/queue_views.py" line="180" />
        <source>%n min</source>
        <translation>
            <numerusform>%n분</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="205" />
        <source>Open chat</source>
        <translation>채팅 열기</translation>
    </message>
</context>
<context>
    <name>RecordingTool</name>
    <message>
        <location filename="../../viewer/tools/capture_tools.py" line="95" />
        <source>Record</source>
        <translation>녹화</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/capture_tools.py" line="98" />
        <source>Record the session to a video file on this PC</source>
        <translation>이 PC에 세션을 동영상 파일로 녹화합니다</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/capture_tools.py" line="111" />
        <source>Asking the customer to allow recording…</source>
        <translation>고객에게 녹화 허락을 요청하는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/capture_tools.py" line="133" />
        <source>Not recording: {reason}</source>
        <translation>녹화하지 않습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/capture_tools.py" line="134" />
        <source>the session is over</source>
        <translation>세션이 끝났습니다</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/capture_tools.py" line="140" />
        <source>Recording to {folder}</source>
        <translation>{folder}에 녹화 중</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/capture_tools.py" line="147" />
        <source>The recording stopped: {reason}</source>
        <translation>녹화가 중단되었습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/capture_tools.py" line="149" />
        <source>Recording saved: {path}</source>
        <translation>녹화를 저장했습니다: {path}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/capture_tools.py" line="151" />
        <source>Nothing was recorded: no video arrived.</source>
        <translation>녹화된 내용이 없습니다: 영상이 도착하지 않았습니다.</translation>
    </message>
</context>
<context>
    <name>ReservationsView</name>
    <message>
        <location filename="../../agent/queue_views.py" line="228" />
        <source>Reservations</source>
        <translation>예약</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="233" />
        <source>Today</source>
        <translation>오늘</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="235" />
        <source>Time</source>
        <translation>시간</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="235" />
        <source>Window</source>
        <translation>창구</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="235" />
        <source>Customer</source>
        <translation>고객</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="235" />
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="242" />
        <location filename="../../agent/queue_views.py" line="314" />
        <source>Done</source>
        <translation>완료</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="243" />
        <source>Cancel reservation</source>
        <translation>예약 취소</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="252" />
        <source>Day:</source>
        <translation>날짜:</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="295" />
        <source>No reservations on this day.</source>
        <translation>이 날에는 예약이 없습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="314" />
        <source>Booked</source>
        <translation>예약됨</translation>
    </message>
    <message>
        <location filename="../../agent/queue_views.py" line="314" />
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
</context>
<context>
    <name>ScreenSaveTool</name>
    <message>
        <location filename="../../viewer/tools/capture_tools.py" line="48" />
        <source>Save screen</source>
        <translation>화면 저장</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/capture_tools.py" line="50" />
        <source>Save a picture of the customer's screen</source>
        <translation>고객 화면을 그림으로 저장합니다</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/capture_tools.py" line="59" />
        <source>There is no picture to save yet.</source>
        <translation>아직 저장할 화면이 없습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/capture_tools.py" line="63" />
        <source>Asking the customer to allow a picture of their screen…</source>
        <translation>고객에게 화면 저장 허락을 요청하는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/capture_tools.py" line="67" />
        <source>The screen was not saved: {reason}</source>
        <translation>화면을 저장하지 않았습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/capture_tools.py" line="80" />
        <source>Screen saved: {path}</source>
        <translation>화면을 저장했습니다: {path}</translation>
    </message>
</context>
<context>
    <name>ServerClient</name>
    <message>
        <location filename="../../agent/api.py" line="147" />
        <source>The server sent an answer that is not JSON: check the server address.</source>
        <translation>서버가 JSON이 아닌 응답을 보냈습니다: 서버 주소를 확인하십시오.</translation>
    </message>
    <message>
        <location filename="../../agent/api.py" line="167" />
        <source>You are not logged in: log in first.</source>
        <translation>로그인되어 있지 않습니다. 먼저 로그인하세요.</translation>
    </message>
    <message>
        <location filename="../../agent/api.py" line="178" />
        <source>Could not connect to the server at {0}: {1}. Check the address and that the server is running.</source>
        <translation>{0} 서버에 연결할 수 없습니다: {1}. 서버 주소가 올바른지, 서버가 실행 중인지 확인하세요.</translation>
    </message>
    <message>
        <location filename="../../agent/api.py" line="190" />
        <source>the secure connection failed (certificate not trusted)</source>
        <translation>보안 연결에 실패했습니다(신뢰할 수 없는 인증서)</translation>
    </message>
    <message>
        <location filename="../../agent/api.py" line="193" />
        <source>no answer in time</source>
        <translation>제한 시간 안에 응답이 없습니다</translation>
    </message>
    <message>
        <location filename="../../agent/api.py" line="195" />
        <source>the connection was refused or dropped</source>
        <translation>연결이 거부되었거나 끊어졌습니다</translation>
    </message>
    <message>
        <location filename="../../agent/api.py" line="207" />
        <source>The server refused the request: {0}.</source>
        <translation>서버가 요청을 거부했습니다: {0}.</translation>
    </message>
    <message>
        <location filename="../../agent/api.py" line="209" />
        <source>The server answered HTTP {0}.</source>
        <translation>서버가 HTTP {0} 오류를 반환했습니다.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../agent/settings_dialog.py" line="50" />
        <source>My settings</source>
        <translation>내 설정</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="66" />
        <source>Your group has turned shortcut messages off.</source>
        <translation>소속 그룹에서 단축 메시지를 사용하지 않도록 설정했습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="66" />
        <source>Shortcut messages</source>
        <translation>단축 메시지</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="68" />
        <source>Your group has turned favorites off.</source>
        <translation>소속 그룹에서 즐겨찾기를 사용하지 않도록 설정했습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="68" />
        <source>Favorites</source>
        <translation>즐겨찾기</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="91" />
        <source>Reset</source>
        <translation>초기화</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="92" />
        <source>Use the company's or the default text again</source>
        <translation>회사 문구나 기본 문구로 되돌립니다</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="101" />
        <source>Save shortcut messages</source>
        <translation>단축 메시지 저장</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="109" />
        <location filename="../../agent/settings_dialog.py" line="113" />
        <source>Title</source>
        <translation>제목</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="109" />
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="109" />
        <source>From</source>
        <translation>등록자</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="116" />
        <source>Add</source>
        <translation>추가</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="118" />
        <source>Remove</source>
        <translation>삭제</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="154" />
        <source>{0} Try again, or close and reopen My settings.</source>
        <translation>{0} 다시 시도하거나 내 설정을 닫았다가 다시 여세요.</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="165" />
        <source>Nothing to save: no text was changed.</source>
        <translation>저장할 내용이 없습니다: 바뀐 문구가 없습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="179" />
        <source>Enter a URL that starts with http:// or https://.</source>
        <translation>http:// 또는 https://로 시작하는 URL을 입력하세요.</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="193" />
        <source>your own</source>
        <translation>내 문구</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="193" />
        <source>company</source>
        <translation>회사</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="193" />
        <source>default</source>
        <translation>기본</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="204" />
        <source>you</source>
        <translation>나</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="204" />
        <source>company (read-only)</source>
        <translation>회사(읽기 전용)</translation>
    </message>
    <message>
        <location filename="../../agent/settings_dialog.py" line="238" />
        <source>Talking to the server…</source>
        <translation>서버와 통신하는 중…</translation>
    </message>
</context>
<context>
    <name>SupportLogDialog</name>
    <message>
        <location filename="../../agent/support_log_dialog.py" line="77" />
        <source>Support log — {0}</source>
        <translation>상담일지 — {0}</translation>
    </message>
    <message>
        <location filename="../../agent/support_log_dialog.py" line="82" />
        <source>The session with {0} (code {1}) has ended. Write what was done.</source>
        <translation>{0}와(과)의 세션(접속 코드 {1})이 종료되었습니다. 상담 내용을 작성하십시오.</translation>
    </message>
    <message>
        <location filename="../../agent/support_log_dialog.py" line="83" />
        <source>the customer</source>
        <translation>고객</translation>
    </message>
    <message>
        <location filename="../../agent/support_log_dialog.py" line="89" />
        <location filename="../../agent/support_log_dialog.py" line="145" />
        <source>Loading the categories…</source>
        <translation>상담 구분을 불러오는 중…</translation>
    </message>
    <message>
        <location filename="../../agent/support_log_dialog.py" line="92" />
        <source>Customer name</source>
        <translation>고객 이름</translation>
    </message>
    <message>
        <location filename="../../agent/support_log_dialog.py" line="93" />
        <source>What was done</source>
        <translation>상담 내용</translation>
    </message>
    <message>
        <location filename="../../agent/support_log_dialog.py" line="94" />
        <source>Category</source>
        <translation>상담 구분</translation>
    </message>
    <message>
        <location filename="../../agent/support_log_dialog.py" line="99" />
        <source>Save</source>
        <translation>저장</translation>
    </message>
    <message>
        <location filename="../../agent/support_log_dialog.py" line="101" />
        <source>Load the categories again</source>
        <translation>상담 구분 다시 불러오기</translation>
    </message>
    <message>
        <location filename="../../agent/support_log_dialog.py" line="120" />
        <source>Skip</source>
        <translation>건너뛰기</translation>
    </message>
    <message>
        <location filename="../../agent/support_log_dialog.py" line="132" />
        <location filename="../../agent/support_log_dialog.py" line="220" />
        <location filename="../../agent/support_log_dialog.py" line="248" />
        <source>You are logged out: this log is kept and saved when you log in again.</source>
        <translation>로그아웃된 상태입니다: 이 상담일지는 보관되며 다시 로그인하면 저장됩니다.</translation>
    </message>
    <message>
        <location filename="../../agent/support_log_dialog.py" line="157" />
        <source>Your company has no categories.</source>
        <translation>회사에 등록된 상담 구분이 없습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/support_log_dialog.py" line="171" />
        <source>Could not load the categories: {0}</source>
        <translation>상담 구분을 불러오지 못했습니다: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/support_log_dialog.py" line="228" />
        <source>Saving…</source>
        <translation>저장하는 중…</translation>
    </message>
    <message>
        <location filename="../../agent/support_log_dialog.py" line="252" />
        <source>Could not save the support log: {0} Correct it and press Save again.</source>
        <translation>상담일지를 저장하지 못했습니다: {0} 내용을 고친 뒤 다시 저장을 누르십시오.</translation>
    </message>
    <message>
        <location filename="../../agent/support_log_dialog.py" line="254" />
        <source>Discard</source>
        <translation>버리기</translation>
    </message>
</context>
<context>
    <name>SystemInfoDialog</name>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="76" />
        <source>Customer's system information</source>
        <translation>고객 PC의 시스템 정보</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="79" />
        <source>Item</source>
        <translation>항목</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="79" />
        <source>Value</source>
        <translation>값</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="83" />
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="85" />
        <source>Close</source>
        <translation>닫기</translation>
    </message>
</context>
<context>
    <name>TeamPanel</name>
    <message>
        <location filename="../../agent/team_panel.py" line="33" />
        <source>My group</source>
        <translation>내 그룹</translation>
    </message>
    <message>
        <location filename="../../agent/team_panel.py" line="35" />
        <source>Agent</source>
        <translation>상담원</translation>
    </message>
    <message>
        <location filename="../../agent/team_panel.py" line="35" />
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../agent/team_panel.py" line="41" />
        <source>Loading…</source>
        <translation>불러오는 중…</translation>
    </message>
    <message>
        <location filename="../../agent/team_panel.py" line="51" />
        <source>Offline</source>
        <translation>오프라인</translation>
    </message>
    <message>
        <location filename="../../agent/team_panel.py" line="52" />
        <source>Agent waiting</source>
        <translation>에이전트 대기</translation>
    </message>
    <message>
        <location filename="../../agent/team_panel.py" line="53" />
        <source>Viewer waiting</source>
        <translation>뷰어 대기</translation>
    </message>
    <message>
        <location filename="../../agent/team_panel.py" line="54" />
        <source>In session</source>
        <translation>원격지원 중</translation>
    </message>
    <message>
        <location filename="../../agent/team_panel.py" line="69" />
        <source>Updated every 15 seconds.</source>
        <translation>15초마다 새로 고칩니다.</translation>
    </message>
</context>
<context>
    <name>TeamWatcher</name>
    <message>
        <location filename="../../agent/team_panel.py" line="139" />
        <source>Could not update the group: {0}</source>
        <translation>그룹 정보를 새로 고치지 못했습니다: {0}</translation>
    </message>
</context>
<context>
    <name>TransferRows</name>
    <message>
        <location filename="../../ui/transfer_rows.py" line="24" />
        <location filename="../../ui/transfer_rows.py" line="80" />
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../ui/transfer_rows.py" line="71" />
        <source>A file named {name} is already in {folder}. Keep both (the new one gets a number), replace the old one, or cancel this transfer?</source>
        <translation>{folder}에 {name} 파일이 이미 있습니다. 둘 다 유지(새 파일에 번호가 붙습니다), 기존 파일 바꾸기, 또는 이 전송을 취소하시겠습니까?</translation>
    </message>
    <message>
        <location filename="../../ui/transfer_rows.py" line="74" />
        <source>File already exists</source>
        <translation>파일이 이미 있습니다</translation>
    </message>
    <message>
        <location filename="../../ui/transfer_rows.py" line="76" />
        <source>Keep both</source>
        <translation>둘 다 유지</translation>
    </message>
    <message>
        <location filename="../../ui/transfer_rows.py" line="78" />
        <source>Replace</source>
        <translation>바꾸기</translation>
    </message>
</context>
<context>
    <name>TransfersDialog</name>
    <message>
        <location filename="../../viewer/tools/files_panel.py" line="47" />
        <source>File transfers</source>
        <translation>파일 전송</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files_panel.py" line="49" />
        <source>Change…</source>
        <translation>변경…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files_panel.py" line="67" />
        <source>Received files go to {folder}</source>
        <translation>받은 파일 저장 위치: {folder}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files_panel.py" line="74" />
        <source>Where should received files go?</source>
        <translation>받은 파일을 어디에 저장할까요?</translation>
    </message>
</context>
<context>
    <name>UrlDialog</name>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="45" />
        <source>Open a web page for the customer</source>
        <translation>고객에게 웹 페이지 열기</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="48" />
        <source>Web address to open in the customer's browser:</source>
        <translation>고객의 브라우저에서 열 웹 주소:</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="54" />
        <source>Send</source>
        <translation>보내기</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_dialogs.py" line="64" />
        <source>Only web addresses that start with http:// or https:// can be sent, for example https://example.com.</source>
        <translation>http:// 또는 https://로 시작하는 웹 주소만 보낼 수 있습니다(예: https://example.com).</translation>
    </message>
</context>
<context>
    <name>ViewerActions</name>
    <message>
        <location filename="../../viewer/tools/actions.py" line="43" />
        <source>Send my clipboard</source>
        <translation>내 클립보드 보내기</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="44" />
        <source>Get the customer's clipboard</source>
        <translation>고객 클립보드 가져오기</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="46" />
        <source>Open a web page…</source>
        <translation>웹 페이지 열기…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="47" />
        <source>Send Ctrl+Alt+Del</source>
        <translation>Ctrl+Alt+Del 전송</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="49" />
        <source>System information</source>
        <translation>시스템 정보</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="50" />
        <source>Processes</source>
        <translation>프로세스</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="87" />
        <source>Asked the customer to open {url}…</source>
        <translation>고객에게 {url} 열기를 요청했습니다…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="91" />
        <location filename="../../viewer/tools/actions.py" line="168" />
        <source>The web page was not opened: {reason}</source>
        <translation>웹 페이지를 열지 못했습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="97" />
        <source>Sending Ctrl+Alt+Del…</source>
        <translation>Ctrl+Alt+Del 전송 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="105" />
        <source>Collecting the customer's system information…</source>
        <translation>고객 PC의 시스템 정보를 수집하는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="108" />
        <source>Asked the customer to show the system information…</source>
        <translation>고객에게 시스템 정보 보기를 요청했습니다…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="112" />
        <location filename="../../viewer/tools/actions.py" line="177" />
        <source>System information is not available: {reason}</source>
        <translation>시스템 정보를 볼 수 없습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="134" />
        <source>Reading the customer's processes…</source>
        <translation>고객 PC의 프로세스를 읽는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="142" />
        <source>{name} was not ended: {reason}</source>
        <translation>{name}을(를) 종료하지 않았습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="146" />
        <source>Asked the customer to agree to ending {name}…</source>
        <translation>고객에게 {name} 종료 동의를 요청했습니다…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="161" />
        <source>Ended on the customer's computer: {detail}</source>
        <translation>고객 PC에서 종료했습니다: {detail}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="162" />
        <source>The process was not ended: {reason}</source>
        <translation>프로세스를 종료하지 못했습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="167" />
        <source>The customer's browser opened the page.</source>
        <translation>고객의 브라우저에서 페이지를 열었습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="170" />
        <source>Ctrl+Alt+Del was sent.</source>
        <translation>Ctrl+Alt+Del을 보냈습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="171" />
        <source>Ctrl+Alt+Del: {reason}</source>
        <translation>Ctrl+Alt+Del: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="176" />
        <source>the answer was not readable</source>
        <translation>응답을 읽을 수 없습니다</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="183" />
        <source>The customer's system information arrived.</source>
        <translation>고객 PC의 시스템 정보가 도착했습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions.py" line="193" />
        <source>The process list is not available: {reason}</source>
        <translation>프로세스 목록을 볼 수 없습니다: {reason}</translation>
    </message>
</context>
<context>
    <name>ViewerClipboard</name>
    <message>
        <location filename="../../viewer/tools/actions_clipboard.py" line="66" />
        <source>Asked the customer to allow the clipboard exchange…</source>
        <translation>고객에게 클립보드 교환 허용을 요청했습니다…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_clipboard.py" line="72" />
        <source>The clipboard is not exchanged: {reason}</source>
        <translation>클립보드를 교환하지 않습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_clipboard.py" line="82" />
        <source>Your clipboard holds no text or picture to send.</source>
        <translation>내 클립보드에 보낼 텍스트나 그림이 없습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_clipboard.py" line="84" />
        <source>Your clipboard holds more than 10 MB; Ferry sends at most 10 MB.</source>
        <translation>내 클립보드가 10MB를 넘습니다. Ferry는 최대 10MB까지 보냅니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_clipboard.py" line="87" />
        <source>Your clipboard was sent to the customer.</source>
        <translation>내 클립보드를 고객에게 보냈습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_clipboard.py" line="97" />
        <source>The customer's clipboard holds more than 10 MB; it was not taken.</source>
        <translation>고객의 클립보드가 10MB를 넘어 가져오지 않았습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_clipboard.py" line="100" />
        <source>The customer's clipboard is now on your clipboard.</source>
        <translation>고객의 클립보드 내용이 내 클립보드에 복사되었습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/actions_clipboard.py" line="104" />
        <source>Clipboard: {reason}</source>
        <translation>클립보드: {reason}</translation>
    </message>
</context>
<context>
    <name>ViewerFiles</name>
    <message>
        <location filename="../../viewer/tools/files.py" line="87" />
        <source>Send files…</source>
        <translation>파일 보내기…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files.py" line="89" />
        <source>Get files from the customer</source>
        <translation>고객에게서 파일 받기</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files.py" line="91" />
        <source>Transfers</source>
        <translation>전송 목록</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files.py" line="116" />
        <source>Asking the customer to accept {count} file(s)…</source>
        <translation>고객에게 파일 {count}개를 받을지 묻는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files.py" line="121" />
        <source>The customer did not accept the files: {reason}</source>
        <translation>고객이 파일을 받지 않았습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files.py" line="129" />
        <source>Files to send to the customer</source>
        <translation>고객에게 보낼 파일</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files.py" line="153" />
        <source>Asking the customer for files…</source>
        <translation>고객에게 파일을 요청하는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files.py" line="161" />
        <source>The customer is choosing the files to send you…</source>
        <translation>고객이 보낼 파일을 고르는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files.py" line="163" />
        <source>The customer did not agree to send files: {reason}</source>
        <translation>고객이 파일 보내기에 동의하지 않았습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files.py" line="168" />
        <source>No file came: {reason}</source>
        <translation>받은 파일이 없습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files.py" line="223" />
        <source>{name} was transferred.</source>
        <translation>{name} 전송을 마쳤습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files.py" line="225" />
        <source>{name} was not transferred: {reason}</source>
        <translation>{name}을(를) 전송하지 못했습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files_panel.py" line="20" />
        <source>Saved as {path}</source>
        <translation>{path}(으)로 저장됨</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files_panel.py" line="22" />
        <source>Preparing…</source>
        <translation>준비 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files_panel.py" line="23" />
        <source>Waiting for the other side…</source>
        <translation>상대방을 기다리는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files_panel.py" line="24" />
        <source>Waiting for your answer…</source>
        <translation>응답을 기다리는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files_panel.py" line="25" />
        <source>Transferring…</source>
        <translation>전송 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files_panel.py" line="26" />
        <source>Checking…</source>
        <translation>확인 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files_panel.py" line="27" />
        <source>Waiting for the connection…</source>
        <translation>연결을 기다리는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files_panel.py" line="28" />
        <source>Done</source>
        <translation>완료</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files_panel.py" line="29" />
        <source>Failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files_panel.py" line="30" />
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/files_panel.py" line="31" />
        <source>Interrupted (sending the same file again resumes it)</source>
        <translation>중단됨 (같은 파일을 다시 보내면 이어서 전송합니다)</translation>
    </message>
</context>
<context>
    <name>ViewerHandover</name>
    <message>
        <location filename="../../viewer/tools/handover.py" line="143" />
        <source>Invite an agent to watch…</source>
        <translation>상담원을 참관에 초대…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/handover.py" line="146" />
        <source>Hand the session over…</source>
        <translation>세션 넘기기…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/handover.py" line="165" />
        <source>Inviting a colleague is not available: this viewer does not know the server.</source>
        <translation>동료 상담원을 초대할 수 없습니다: 이 뷰어가 서버 정보를 알지 못합니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/handover.py" line="168" />
        <source>Looking for colleagues who are logged in…</source>
        <translation>로그인한 동료 상담원을 찾는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/handover.py" line="182" />
        <source>Inviting the colleague failed: {reason}</source>
        <translation>동료 상담원 초대 실패: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/handover.py" line="193" />
        <source>Asking the customer to let {name} watch…</source>
        <translation>{name} 상담원의 참관 허락을 고객에게 요청하는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/handover.py" line="194" />
        <source>Asking the customer to let {name} take over…</source>
        <translation>{name} 상담원에게 세션을 넘기도록 고객에게 허락을 요청하는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/handover.py" line="201" />
        <source>The customer did not agree: {reason}</source>
        <translation>고객이 동의하지 않았습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/handover.py" line="214" />
        <source>{name} is invited; waiting for them to accept…</source>
        <translation>{name} 상담원을 초대했습니다. 수락을 기다리는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/handover.py" line="226" />
        <source>{agent} is watching the session.</source>
        <translation>{agent} 상담원이 세션을 참관하고 있습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/handover.py" line="230" />
        <source>{agent} stopped watching: {reason}</source>
        <translation>{agent} 상담원의 참관이 끝났습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/handover.py" line="232" />
        <source>The customer's program refused: {reason}</source>
        <translation>고객 프로그램이 거부했습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/tools/handover.py" line="234" />
        <source>{agent} did not take over, so the session goes on here: {reason}</source>
        <translation>{agent} 상담원이 세션을 넘겨받지 못해 이 세션이 계속됩니다: {reason}</translation>
    </message>
</context>
<context>
    <name>ViewerLauncher</name>
    <message>
        <location filename="../../agent/launcher.py" line="160" />
        <source>Could not start the viewer ({0}): {1}</source>
        <translation>뷰어를 시작할 수 없습니다({0}): {1}</translation>
    </message>
</context>
<context>
    <name>ViewerRecording</name>
    <message>
        <location filename="../../viewer/recording.py" line="72" />
        <source>Ferry screen {time}</source>
        <translation>Ferry 화면 {time}</translation>
    </message>
    <message>
        <location filename="../../viewer/recording.py" line="74" />
        <source>Ferry recording {time}</source>
        <translation>Ferry 녹화 {time}</translation>
    </message>
</context>
<context>
    <name>ViewerWindow</name>
    <message>
        <location filename="../../viewer/window.py" line="109" />
        <source>Connecting to the relay…</source>
        <translation>중계 서버에 연결하는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="118" />
        <location filename="../../viewer/window.py" line="296" />
        <source>Ferry viewer</source>
        <translation>Ferry 뷰어</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="169" />
        <source>Session</source>
        <translation>세션</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="170" />
        <source>Request control</source>
        <translation>제어권 요청</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="171" />
        <source>Ask the customer to let you use their mouse and keyboard</source>
        <translation>고객에게 마우스와 키보드 사용 허락을 요청합니다</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="174" />
        <source>Ask the customer to hide parts of the screen</source>
        <translation>고객에게 화면 일부 가리기 요청</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="177" />
        <source>End session</source>
        <translation>연결 종료</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="178" />
        <source>End the session for you and the customer</source>
        <translation>상담원과 고객 모두의 세션을 종료합니다</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="189" />
        <source>Tools</source>
        <translation>도구</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="191" />
        <source>&amp;Tools</source>
        <translation>도구(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="195" />
        <source>Fit to window</source>
        <translation>창에 맞추기</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="196" />
        <source>Show the whole screen, scaled to the window</source>
        <translation>화면 전체를 창 크기에 맞춰 보여 줍니다</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="197" />
        <source>Actual size</source>
        <translation>실제 크기</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="198" />
        <source>One customer pixel per screen pixel; scroll to move</source>
        <translation>고객 화면의 픽셀 하나를 화면 픽셀 하나로 보여 줍니다. 스크롤하여 이동하세요</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="203" />
        <source>Full screen</source>
        <translation>전체 화면</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="204" />
        <source>Full screen (Esc leaves it; F11 while you have control)</source>
        <translation>전체 화면 (Esc로 나갑니다. 제어 중에는 F11)</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="289" />
        <source>You have control of the customer's mouse and keyboard.</source>
        <translation>고객 PC의 마우스와 키보드를 제어하고 있습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="294" />
        <source>View only: the customer has not given control.</source>
        <translation>화면 보기 전용: 고객이 제어권을 허용하지 않았습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="300" />
        <source>The customer is choosing what to hide.</source>
        <translation>고객이 가릴 부분을 고르고 있습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="301" />
        <source>Blinders are not available: {reason}</source>
        <translation>블라인더를 사용할 수 없습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="303" />
        <source>Customer: {text}</source>
        <translation>고객: {text}</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="312" />
        <source>The customer hid parts of the screen (hatched).</source>
        <translation>고객이 화면 일부를 가렸습니다(빗금 영역).</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="317" />
        <source>Waiting for the customer to connect…</source>
        <translation>고객의 접속을 기다리는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="319" />
        <source>Securing the connection…</source>
        <translation>보안 연결을 설정하는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="321" />
        <location filename="../../viewer/window.py" line="345" />
        <source>Security code: {sas}</source>
        <translation>보안 코드: {sas}</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="322" />
        <source>Waiting for the customer to agree…</source>
        <translation>고객의 동의를 기다리는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="329" />
        <source>Live. View only until the customer gives control.</source>
        <translation>연결되었습니다. 고객이 제어권을 허용할 때까지 화면 보기만 가능합니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="341" />
        <source>The customer's connection was lost. Waiting for it to come back… (up to {seconds} s)</source>
        <translation>고객의 연결이 끊어졌습니다. 다시 연결되기를 기다리는 중… (최대 {seconds}초)</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="342" />
        <source>Connection lost. Reconnecting… (up to {seconds} s)</source>
        <translation>연결이 끊어졌습니다. 다시 연결하는 중… (최대 {seconds}초)</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="346" />
        <source>Reconnected. The security code is now {sas}.</source>
        <translation>다시 연결되었습니다. 보안 코드가 {sas}(으)로 바뀌었습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="361" />
        <source>Session ended: {reason}</source>
        <translation>원격지원이 종료되었습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="379" />
        <source>Control requested; waiting for the customer…</source>
        <translation>제어권을 요청했습니다. 고객의 응답을 기다리는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="383" />
        <source>Asked the customer to hide what you must not see…</source>
        <translation>상담원이 보면 안 되는 부분을 가려 달라고 고객에게 요청했습니다…</translation>
    </message>
</context>
</TS>